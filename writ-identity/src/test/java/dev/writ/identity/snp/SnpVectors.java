package dev.writ.identity.snp;

import dev.writ.identity.Authority;
import dev.writ.identity.Fingerprint;
import dev.writ.identity.QuoteKind;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The go-sev-guest sample (shared/vectors/attestation/sev-snp, see its SOURCE.md): a Milan report,
 * its VCEK and AMD's ASK/ARK bundles. Missing data fails the test; it never skips.
 */
final class SnpVectors {
  static final String PROPERTY = "writ.vectors.dir";

  /** Inside every certificate's validity (VCEK 2022-09-24 to 2029-09-24). */
  static final Instant NOW = Instant.parse("2025-01-01T00:00:00Z");

  /** SHA-256 of the ARK-Milan certificate (verify/trust/ask_ark_milan.pem, second). */
  static final String MILAN_ARK =
      "69d063b45344d26a2e94e1f4210de49ef555308287d4c174445c95639a540bcd";

  /** SHA-256 of the ARK-Genoa certificate (verify/trust/ask_ark_genoa.pem, second). */
  static final String GENOA_ARK =
      "4c6598d19c18719c5dfd4a7d335f674e5bfe1d8f800cea2cf270c10d103db2f1";

  static final String MEASUREMENT =
      "b07af9620f3b839b47996422ddec6058338951d984e312115131ea82705eaf5b6bdf8a9ece31a5a608eb0cf2e4872b01";

  static final String CHIP_ID =
      "3ac3fe21e13fb0990eb28a802e3fb6a29483a6b0753590c951bdd3b8e5378618"
          + "4ca39e359669a2b76a1936776b564ea464cdce40c05f63c9b610c5068b006b5d";

  private SnpVectors() {}

  static Path dir() {
    String property = System.getProperty(PROPERTY);
    if (property == null || property.isBlank()) {
      throw new AssertionError(
          "system property " + PROPERTY + " is not set: SEV-SNP vectors needed");
    }
    Path dir = Path.of(property).resolve("attestation/sev-snp/verify");
    if (!Files.isDirectory(dir)) {
      throw new AssertionError("SEV-SNP vectors folder " + dir + " does not exist");
    }
    return dir;
  }

  /** The raw report, 0x4A0 bytes. */
  static byte[] report() {
    try {
      return Files.readAllBytes(dir().resolve("testdata/attestation.bin"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The report data the sample carries: 01 02 03 04 05 then 59 zero bytes. */
  static byte[] reportData() {
    byte[] data = new byte[64];
    for (int i = 0; i < 5; i++) {
      data[i] = (byte) (i + 1);
    }
    return data;
  }

  static X509Certificate vcek() {
    return certificates("testdata/vcek.testcer").getFirst();
  }

  /** ASK (or ASVK) then ARK from a file in verify/trust. */
  static List<X509Certificate> bundle(String name) {
    return certificates("trust/" + name);
  }

  /** The sample's VCEK followed by a bundle's two certificates. */
  static List<X509Certificate> chain(X509Certificate askOrAsvk, X509Certificate ark) {
    return List.of(vcek(), askOrAsvk, ark);
  }

  /** VCEK, Milan ASK, Milan ARK. */
  static List<X509Certificate> milanChain() {
    List<X509Certificate> milan = bundle("ask_ark_milan.pem");
    return chain(milan.get(0), milan.get(1));
  }

  static Authority authority(String fingerprintHex) {
    return new Authority(QuoteKind.SEV_SNP, Fingerprint.parse(fingerprintHex), false);
  }

  /** Lists the Milan ARK, allows debug (the sample's guest policy allows it), any TCB. */
  static SnpPolicy samplePolicy() {
    return SnpPolicy.strict(List.of(authority(MILAN_ARK)), SnpTcb.zero()).withDebugAllowed();
  }

  private static List<X509Certificate> certificates(String relative) {
    try (InputStream in = Files.newInputStream(dir().resolve(relative))) {
      List<X509Certificate> out = new ArrayList<>();
      for (var c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
        out.add((X509Certificate) c);
      }
      return List.copyOf(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (CertificateException e) {
      throw new IllegalStateException("cannot parse " + relative, e);
    }
  }
}
