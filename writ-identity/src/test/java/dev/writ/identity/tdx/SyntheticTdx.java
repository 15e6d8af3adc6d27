package dev.writ.identity.tdx;

import dev.writ.identity.Authority;
import dev.writ.identity.Fingerprint;
import dev.writ.identity.QuoteKind;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CRLConverter;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v2CRLBuilder;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Builds TDX v4 quotes signed with test keys under a test PKI (root, PCK CA, PCK leaf), so every
 * check of the verifier runs on inputs the sample quotes cannot provide (a debug TD, another MRTD,
 * a revoked PCK certificate, a foreign quoting enclave). Fields are public to tweak before {@link
 * #build()}. Not thread-safe.
 */
final class SyntheticTdx {
  static final Instant NOT_BEFORE = Instant.parse("2025-01-01T00:00:00Z");
  static final Instant NOT_AFTER = Instant.parse("2035-01-01T00:00:00Z");
  static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

  final KeyPair rootKey = ecKey("secp256r1");
  final X509Certificate root;
  final KeyPair caKey = ecKey("secp256r1");
  final X509Certificate ca;
  KeyPair pckKey = ecKey("secp256r1");
  X509Certificate pck;
  KeyPair attestationKey = ecKey("secp256r1");

  int version = 4;
  long teeType = 0x81;
  byte[] tdAttributes = new byte[8];
  byte[] mrTd = filled(48, 0x11);
  byte[] reportData = filled(64, 0x22);
  byte[] qeMrSigner = TdQeIdentity.MRSIGNER.clone();
  int qeIsvProdId = TdQeIdentity.ISVPRODID;
  byte[] qeAttributes = TdQeIdentity.ATTRIBUTES.clone();
  byte[] qeAuthData = filled(32, 0x33);

  /** When set, the QE report's REPORTDATA; otherwise the correct binding of the attestation key. */
  byte[] qeReportDataOverride;

  /** When set, the raw attestation key bytes quoted instead of {@link #attestationKey}'s. */
  byte[] attestationKeyOverride;

  /** The PEM chain; by default leaf, CA, root. */
  List<X509Certificate> chain;

  /** Text appended inside the certification data after the PEM chain. */
  String pemSuffix = "\n";

  SyntheticTdx() {
    root = cert("CN=Test TDX Root", rootKey, "CN=Test TDX Root", rootKey, true, 1);
    ca = cert("CN=Test PCK CA", caKey, "CN=Test TDX Root", rootKey, true, 2);
    pck = cert("CN=Test PCK", pckKey, "CN=Test PCK CA", caKey, false, 3);
  }

  Authority authority() {
    return new Authority(QuoteKind.TDX, Fingerprint.of(root), false);
  }

  TdxPolicy policy() {
    return TdxPolicy.of(List.of(authority()));
  }

  /** Replaces the PCK leaf with one for {@code key}, issued by the CA. */
  void pckFor(KeyPair key) {
    pckKey = key;
    pck = cert("CN=Test PCK", key, "CN=Test PCK CA", caKey, false, 3);
  }

  /** A CRL by the PCK CA, valid from {@code thisUpdate} to {@code nextUpdate}, revoking serials. */
  X509CRL crl(Instant thisUpdate, Instant nextUpdate, KeyPair signer, BigInteger... revoked) {
    try {
      X509v2CRLBuilder b =
          new JcaX509v2CRLBuilder(ca.getSubjectX500Principal(), Date.from(thisUpdate));
      b.setNextUpdate(Date.from(nextUpdate));
      for (BigInteger serial : revoked) {
        b.addCRLEntry(serial, Date.from(thisUpdate), CRLReason.keyCompromise);
      }
      return new JcaX509CRLConverter()
          .getCRL(
              b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer.getPrivate())));
    } catch (GeneralSecurityException | org.bouncycastle.operator.OperatorCreationException e) {
      throw new AssertionError(e);
    }
  }

  byte[] build() {
    ByteArrayOutputStream signed = new ByteArrayOutputStream();
    signed.writeBytes(header());
    signed.writeBytes(body());
    byte[] signedData = signed.toByteArray();
    byte[] akRaw =
        attestationKeyOverride != null
            ? attestationKeyOverride
            : raw((ECPublicKey) attestationKey.getPublic());
    byte[] qeReport = qeReport(akRaw);
    byte[] pem = pem();
    ByteArrayOutputStream cert = new ByteArrayOutputStream();
    cert.writeBytes(qeReport);
    // a PCK key on another curve signs longer; the quote format has room for 64 bytes only
    cert.writeBytes(Arrays.copyOf(sign(pckKey.getPrivate(), qeReport), 64));
    cert.writeBytes(le16(qeAuthData.length));
    cert.writeBytes(qeAuthData);
    cert.writeBytes(le16(5));
    cert.writeBytes(le32(pem.length));
    cert.writeBytes(pem);
    ByteArrayOutputStream sig = new ByteArrayOutputStream();
    sig.writeBytes(sign(attestationKey.getPrivate(), signedData));
    sig.writeBytes(akRaw);
    sig.writeBytes(le16(6));
    sig.writeBytes(le32(cert.size()));
    sig.writeBytes(cert.toByteArray());
    ByteArrayOutputStream quote = new ByteArrayOutputStream();
    quote.writeBytes(signedData);
    quote.writeBytes(le32(sig.size()));
    quote.writeBytes(sig.toByteArray());
    return quote.toByteArray();
  }

  private byte[] header() {
    ByteBuffer h = ByteBuffer.allocate(48).order(ByteOrder.LITTLE_ENDIAN);
    h.putShort((short) version).putShort((short) 2).putInt((int) teeType).putInt(0);
    h.put(java.util.HexFormat.of().parseHex("939a7233f79c4ca9940a0db3957f0607"));
    return h.array();
  }

  private byte[] body() {
    byte[] body = new byte[TdxLimits.BODY_TDX10_BYTES];
    System.arraycopy(tdAttributes, 0, body, 120, 8);
    System.arraycopy(mrTd, 0, body, 136, 48);
    System.arraycopy(reportData, 0, body, 520, 64);
    return body;
  }

  private byte[] qeReport(byte[] akRaw) {
    byte[] r = new byte[TdxLimits.QE_REPORT_BYTES];
    System.arraycopy(qeAttributes, 0, r, 48, 16);
    System.arraycopy(qeMrSigner, 0, r, 128, 32);
    r[256] = (byte) qeIsvProdId;
    r[257] = (byte) (qeIsvProdId >> 8);
    byte[] rd = qeReportDataOverride;
    if (rd == null) {
      try {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        sha.update(akRaw);
        sha.update(qeAuthData);
        rd = Arrays.copyOf(sha.digest(), 64);
      } catch (GeneralSecurityException e) {
        throw new AssertionError(e);
      }
    }
    System.arraycopy(rd, 0, r, 320, 64);
    return r;
  }

  private byte[] pem() {
    StringBuilder s = new StringBuilder();
    for (X509Certificate c : chain != null ? chain : List.of(pck, ca, root)) {
      s.append(pemOf(c));
    }
    s.append(pemSuffix);
    return s.toString().getBytes(StandardCharsets.US_ASCII);
  }

  static String pemOf(X509Certificate c) {
    try {
      return "-----BEGIN CERTIFICATE-----\n"
          + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(c.getEncoded())
          + "\n-----END CERTIFICATE-----\n";
    } catch (GeneralSecurityException e) {
      throw new AssertionError(e);
    }
  }

  static byte[] sign(PrivateKey key, byte[] data) {
    try {
      Signature s = Signature.getInstance("SHA256withECDSAinP1363Format");
      s.initSign(key);
      s.update(data);
      return s.sign();
    } catch (GeneralSecurityException e) {
      throw new AssertionError(e);
    }
  }

  static byte[] raw(ECPublicKey key) {
    byte[] out = new byte[64];
    copyUnsigned(key.getW().getAffineX(), out, 0);
    copyUnsigned(key.getW().getAffineY(), out, 32);
    return out;
  }

  private static void copyUnsigned(BigInteger v, byte[] out, int offset) {
    byte[] b = v.toByteArray();
    int n = Math.min(b.length, 32);
    System.arraycopy(b, b.length - n, out, offset + 32 - n, n);
  }

  static KeyPair ecKey(String curve) {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec(curve));
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new AssertionError(e);
    }
  }

  /** A certificate for {@code subjectKey} signed by {@code issuerKey}. */
  static X509Certificate cert(
      String subject,
      KeyPair subjectKey,
      String issuer,
      KeyPair issuerKey,
      boolean ca,
      long serial) {
    try {
      X509v3CertificateBuilder b =
          new JcaX509v3CertificateBuilder(
              new X500Name(issuer),
              BigInteger.valueOf(serial),
              Date.from(NOT_BEFORE),
              Date.from(NOT_AFTER),
              new X500Name(subject),
              subjectKey.getPublic());
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
      return new JcaX509CertificateConverter()
          .getCertificate(
              b.build(
                  new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKey.getPrivate())));
    } catch (GeneralSecurityException
        | org.bouncycastle.operator.OperatorCreationException
        | org.bouncycastle.cert.CertIOException e) {
      throw new AssertionError(e);
    }
  }

  static byte[] filled(int n, int value) {
    byte[] b = new byte[n];
    Arrays.fill(b, (byte) value);
    return b;
  }

  static byte[] le16(int v) {
    return new byte[] {(byte) v, (byte) (v >> 8)};
  }

  static byte[] le32(long v) {
    return new byte[] {(byte) v, (byte) (v >> 8), (byte) (v >> 16), (byte) (v >> 24)};
  }

  /** {@code n} certificates chained to this PKI's root, for the too-long chain case. */
  List<X509Certificate> longChain(int n) {
    List<X509Certificate> out = new ArrayList<>();
    out.add(pck);
    for (int i = 1; i < n; i++) {
      out.add(ca);
    }
    return out;
  }
}
