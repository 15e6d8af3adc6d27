package dev.writ.identity.svid;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** Hand-made certificates for profile and path cases the CA never issues. */
final class TestCerts {
  static final int NO_KEY_USAGE = -1;
  private static final AtomicLong SERIAL = new AtomicLong(1000);

  private TestCerts() {}

  /** A certificate description; {@link #sign} makes it. */
  record Spec(
      KeyPair subject,
      String subjectName,
      boolean ca,
      int keyUsage,
      List<String> uris,
      Instant notBefore,
      Instant notAfter) {
    static Spec root(KeyPair kp, String name, Instant nb, Instant na) {
      return new Spec(
          kp,
          name,
          true,
          KeyUsage.keyCertSign | KeyUsage.cRLSign,
          List.of("spiffe://example.org"),
          nb,
          na);
    }

    static Spec leaf(KeyPair kp, List<String> uris, Instant nb, Instant na) {
      return new Spec(kp, "", false, KeyUsage.digitalSignature, uris, nb, na);
    }

    Spec withCa(boolean ca) {
      return new Spec(subject, subjectName, ca, keyUsage, uris, notBefore, notAfter);
    }

    Spec withKeyUsage(int ku) {
      return new Spec(subject, subjectName, ca, ku, uris, notBefore, notAfter);
    }
  }

  /** Signs {@code spec} with {@code issuerKey} under {@code issuerName} (self-signed if equal). */
  static X509Certificate sign(Spec spec, KeyPair issuerKey, String issuerName) {
    try {
      JcaX509v3CertificateBuilder b =
          new JcaX509v3CertificateBuilder(
              new X500Name(issuerName),
              BigInteger.valueOf(SERIAL.incrementAndGet()),
              Date.from(spec.notBefore()),
              Date.from(spec.notAfter()),
              new X500Name(spec.subjectName()),
              spec.subject().getPublic());
      b.addExtension(
          Extension.basicConstraints,
          true,
          spec.ca() ? new BasicConstraints(true) : new BasicConstraints(false));
      if (spec.keyUsage() != NO_KEY_USAGE) {
        b.addExtension(Extension.keyUsage, true, new KeyUsage(spec.keyUsage()));
      }
      if (!spec.uris().isEmpty()) {
        List<GeneralName> names = new ArrayList<>();
        for (String uri : spec.uris()) {
          names.add(new GeneralName(GeneralName.uniformResourceIdentifier, uri));
        }
        b.addExtension(
            Extension.subjectAlternativeName,
            spec.subjectName().isEmpty(),
            new GeneralNames(names.toArray(GeneralName[]::new)));
      }
      String alg =
          issuerKey.getPrivate().getAlgorithm().equals("EC") ? "SHA256withECDSA" : "Ed25519";
      return new JcaX509CertificateConverter()
          .getCertificate(b.build(new JcaContentSignerBuilder(alg).build(issuerKey.getPrivate())));
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
