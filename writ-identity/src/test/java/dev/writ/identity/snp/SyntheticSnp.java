package dev.writ.identity.snp;

import dev.writ.identity.Authority;
import dev.writ.identity.Fingerprint;
import dev.writ.identity.QuoteKind;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DERIA5String;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A synthetic AMD hierarchy (ARK, ASK, VCEK or VLEK, all made here with BouncyCastle) and reports
 * signed with the leaf key, so the whole verification pipeline runs on reports whose fields a test
 * chooses: debug bit, TCB, chip id, signing key.
 */
final class SyntheticSnp {
  static final Instant NOW = Instant.parse("2025-06-01T00:00:00Z");
  static final SnpTcb TCB = SnpTcb.of(3, 0, 8, 115);
  static final String AMD = "1.3.6.1.4.1.3704.1.";

  final KeyPair arkKey = keyPair("secp384r1");
  final KeyPair askKey = keyPair("secp384r1");
  final KeyPair leafKey = keyPair("secp384r1");
  final X509Certificate ark =
      certificate("ARK-Test", arkKey.getPublic(), "ARK-Test", arkKey, true, Map.of());
  final X509Certificate ask =
      certificate("SEV-Test", askKey.getPublic(), "ARK-Test", arkKey, true, Map.of());

  static byte[] chipId() {
    byte[] id = new byte[SnpReport.CHIP_ID_SIZE];
    for (int i = 0; i < id.length; i++) {
      id[i] = (byte) (0x40 + i);
    }
    return id;
  }

  static byte[] nonce() {
    byte[] nonce = new byte[SnpReport.REPORT_DATA_SIZE];
    Arrays.fill(nonce, (byte) 0x5a);
    return nonce;
  }

  static byte[] measurement() {
    byte[] m = new byte[SnpReport.MEASUREMENT_SIZE];
    Arrays.fill(m, (byte) 0x1d);
    return m;
  }

  Authority authority() {
    return new Authority(QuoteKind.SEV_SNP, Fingerprint.of(ark), false);
  }

  SnpPolicy strictPolicy() {
    return SnpPolicy.strict(List.of(authority()), TCB);
  }

  /** The AMD extensions of a VCEK for {@link #TCB} and {@link #chipId()}, in KDS form. */
  static Map<String, byte[]> vcekExtensions() {
    Map<String, byte[]> ext = tcbExtensions(TCB);
    ext.put(AMD + "4", chipId());
    return ext;
  }

  /** The AMD extensions of a VLEK for {@link #TCB}. */
  static Map<String, byte[]> vlekExtensions() {
    Map<String, byte[]> ext = tcbExtensions(TCB);
    ext.put(AMD + "5", der(new DERIA5String("writ-test-csp")));
    return ext;
  }

  /** The SPL extensions (3.1 to 3.8) of a key certified for {@code tcb}. */
  static Map<String, byte[]> tcbExtensions(SnpTcb tcb) {
    Map<String, byte[]> ext = new LinkedHashMap<>();
    ext.put(AMD + "1", der(new ASN1Integer(1)));
    ext.put(AMD + "2", der(new DERIA5String("Milan-B0")));
    ext.put(AMD + "3.1", integer(tcb.bootloader()));
    ext.put(AMD + "3.2", integer(tcb.tee()));
    for (int i = 4; i <= 7; i++) {
      ext.put(AMD + "3." + i, integer((int) ((tcb.raw() >>> (8 * (i - 2))) & 0xff)));
    }
    ext.put(AMD + "3.3", integer(tcb.snp()));
    ext.put(AMD + "3.8", integer(tcb.microcode()));
    return ext;
  }

  static byte[] integer(int value) {
    return der(new ASN1Integer(value));
  }

  static byte[] der(ASN1Encodable value) {
    try {
      return value.toASN1Primitive().getEncoded();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The chain leaf, ASK, ARK for a leaf holding {@code key} with these AMD extensions. */
  List<X509Certificate> chain(PublicKey key, Map<String, byte[]> extensions) {
    return List.of(certificate("SEV-VCEK", key, "SEV-Test", askKey, false, extensions), ask, ark);
  }

  /** The default chain: a VCEK for {@link #TCB} and {@link #chipId()}. */
  List<X509Certificate> vcekChain() {
    return chain(leafKey.getPublic(), vcekExtensions());
  }

  static KeyPair keyPair(String curve) {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec(curve));
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  static KeyPair rsaKeyPair() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
      g.initialize(2048);
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static X509Certificate certificate(
      String subject,
      PublicKey key,
      String issuer,
      KeyPair issuerKey,
      boolean ca,
      Map<String, byte[]> amdExtensions) {
    try {
      X509v3CertificateBuilder b =
          new JcaX509v3CertificateBuilder(
              new X500Name("CN=" + issuer),
              BigInteger.valueOf(subject.hashCode() & 0x7fffffff),
              Date.from(NOW.minus(Duration.ofDays(30))),
              Date.from(NOW.plus(Duration.ofDays(365))),
              new X500Name("CN=" + subject),
              key);
      if (ca) {
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
      }
      for (Map.Entry<String, byte[]> e : amdExtensions.entrySet()) {
        b.addExtension(new ASN1ObjectIdentifier(e.getKey()), false, e.getValue());
      }
      return new JcaX509CertificateConverter()
          .getCertificate(
              b.build(
                  new JcaContentSignerBuilder("SHA384withECDSA").build(issuerKey.getPrivate())));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (GeneralSecurityException | OperatorCreationException e) {
      throw new IllegalStateException(e);
    }
  }

  /** An unsigned report with writable fields, defaults matching {@link #vcekChain()}. */
  static final class Report {
    final byte[] bytes = new byte[SnpReport.SIZE];

    Report() {
      u32(SnpReport.VERSION, 2);
      policy(0x30000L); // SMT allowed, reserved bit 17, debug off
      u32(SnpReport.SIGNATURE_ALGO, SnpReport.ECDSA_P384_SHA384);
      tcb(SnpReport.CURRENT_TCB, TCB);
      tcb(SnpReport.REPORTED_TCB, TCB);
      tcb(SnpReport.COMMITTED_TCB, TCB);
      tcb(SnpReport.LAUNCH_TCB, TCB);
      put(SnpReport.REPORT_DATA, nonce());
      put(SnpReport.MEASUREMENT, measurement());
      Arrays.fill(bytes, SnpReport.REPORT_ID_MA, SnpReport.REPORT_ID_MA + 32, (byte) 0xff);
      put(SnpReport.CHIP_ID, chipId());
    }

    Report policy(long policy) {
      ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putLong(SnpReport.POLICY, policy);
      return this;
    }

    Report reportedTcb(SnpTcb tcb) {
      return tcb(SnpReport.REPORTED_TCB, tcb);
    }

    Report version3(int family, int model, int stepping) {
      u32(SnpReport.VERSION, 3);
      bytes[SnpReport.CPUID_FAM_ID] = (byte) family;
      bytes[SnpReport.CPUID_MOD_ID] = (byte) model;
      bytes[SnpReport.CPUID_STEP] = (byte) stepping;
      return this;
    }

    Report signerInfo(int value) {
      return u32(SnpReport.SIGNER_INFO, value);
    }

    Report put(int offset, byte[] value) {
      System.arraycopy(value, 0, bytes, offset, value.length);
      return this;
    }

    Report u32(int offset, int value) {
      ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putInt(offset, value);
      return this;
    }

    private Report tcb(int offset, SnpTcb tcb) {
      ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putLong(offset, tcb.raw());
      return this;
    }

    /** The report signed with {@code key}: R and S written little-endian into 72-byte fields. */
    byte[] signedWith(PrivateKey key) {
      try {
        Signature s = Signature.getInstance("SHA384withECDSAinP1363Format");
        s.initSign(key);
        s.update(bytes, 0, SnpReport.SIGNED_LENGTH);
        byte[] rs = s.sign();
        byte[] out = bytes.clone();
        for (int i = 0; i < 48; i++) {
          out[SnpReport.SIGNATURE + i] = rs[47 - i];
          out[SnpReport.SIGNATURE + SnpReport.SIGNATURE_COMPONENT + i] = rs[95 - i];
        }
        return out;
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  /** The hwID wrapped in a DER OCTET STRING (a form AMD may adopt; accepted). */
  static byte[] wrappedChipId() {
    return der(new DEROctetString(chipId()));
  }
}
