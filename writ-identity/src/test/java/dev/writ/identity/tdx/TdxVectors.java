package dev.writ.identity.tdx;

import dev.writ.identity.Authority;
import dev.writ.identity.Fingerprint;
import dev.writ.identity.QuoteKind;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Arrays;

/**
 * The third-party TDX vectors (shared/vectors/attestation/tdx, from google/go-tdx-guest; see its
 * SOURCE.md). Surefire passes the vectors folder as {@code writ.vectors.dir}; a test that needs
 * them and does not find them fails.
 */
final class TdxVectors {
  static final String PROPERTY = "writ.vectors.dir";

  /** Upstream verify_test.go's time for the v4 sample (inside every certificate and the CRLs). */
  static final Instant V4_NOW = Instant.parse("2023-07-01T01:00:00Z");

  /** Upstream verify_test.go's time for the v5 sample. */
  static final Instant V5_NOW = Instant.parse("2026-02-03T01:00:00Z");

  /** Inside the COS-113 quote's PCK certificate (issued 2024-07-02). */
  static final Instant COS_NOW = Instant.parse("2025-01-01T00:00:00Z");

  /** REPORTDATA's offset: header 48 + body offset 520 (v5: + 6 bytes of body descriptor). */
  static final int V4_REPORT_DATA = 568;

  static final int V5_REPORT_DATA = 574;

  /** MRTD's offset: header 48 + body offset 136. */
  static final int V4_MRTD = 184;

  /** Signature data length's offset in a v4 quote: header 48 + body 584. */
  static final int V4_SIG_DATA = 632;

  /** The v4 sample's signed quote ends here; the file has 39 bytes of text after it. */
  static final int V4_QUOTE_END = 4935;

  private TdxVectors() {}

  static Path dir() {
    String property = System.getProperty(PROPERTY);
    if (property == null || property.isBlank()) {
      throw new AssertionError("system property " + PROPERTY + " is not set; TDX tests need it");
    }
    Path dir = Path.of(property, "attestation", "tdx");
    if (!Files.isDirectory(dir)) {
      throw new AssertionError("TDX vectors folder " + dir + " does not exist");
    }
    return dir;
  }

  static byte[] read(String relative) {
    try {
      return Files.readAllBytes(dir().resolve(relative));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static byte[] quoteV4() {
    return read("testing/testdata/tdx_prod_quote_SPR_E4.dat");
  }

  static byte[] quoteV5() {
    return read("testing/testdata/quote_v5_sample.dat");
  }

  static byte[] quoteCos() {
    return read("testing/testdata/ccel/cos-113-tdx-quote.dat");
  }

  static byte[] cosNonce() {
    return read("testing/testdata/ccel/nonce.dat");
  }

  static X509Certificate intelRoot() {
    try {
      return (X509Certificate)
          CertificateFactory.getInstance("X.509")
              .generateCertificate(new ByteArrayInputStream(read("verify/trusted_root.pem")));
    } catch (GeneralSecurityException e) {
      throw new AssertionError(e);
    }
  }

  static X509CRL crl(String relative) {
    try {
      return (X509CRL)
          CertificateFactory.getInstance("X.509")
              .generateCRL(new ByteArrayInputStream(read(relative)));
    } catch (GeneralSecurityException e) {
      throw new AssertionError(e);
    }
  }

  static X509CRL pckCrl() {
    return crl("testing/testdata/pckcrl");
  }

  static X509CRL rootCrl() {
    return crl("testing/testdata/rootcrl.der");
  }

  static Authority intelAuthority() {
    return new Authority(QuoteKind.TDX, Fingerprint.of(intelRoot()), false);
  }

  static TdxPolicy intelPolicy() {
    return TdxPolicy.of(java.util.List.of(intelAuthority()));
  }

  static byte[] slice(byte[] bytes, int offset, int length) {
    return Arrays.copyOfRange(bytes, offset, offset + length);
  }

  static byte[] flipped(byte[] bytes, int offset) {
    byte[] copy = bytes.clone();
    copy[offset] ^= 0x01;
    return copy;
  }
}
