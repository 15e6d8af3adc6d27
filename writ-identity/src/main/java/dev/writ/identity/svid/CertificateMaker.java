package dev.writ.identity.svid;

import dev.writ.core.SpiffeId;
import java.math.BigInteger;
import java.net.InetAddress;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Builds the two certificate profiles of docs/spec/svid.md: the self-signed CA certificate and
 * X.509-SVID leaves. Signs with the JDK's ECDSA (no BouncyCastle provider is registered). Stateless
 * and thread-safe.
 */
final class CertificateMaker {
  /** The CA signs with ECDSA P-256 and SHA-256. */
  static final String SIGNATURE_ALGORITHM = "SHA256withECDSA";

  /** 128 random bits: unpredictable (CA/B Forum asks 64) and within RFC 5280's 20 octets. */
  static final int SERIAL_BYTES = 16;

  private CertificateMaker() {}

  /** The self-signed CA certificate of {@code trustDomain}. */
  static X509Certificate ca(
      PrivateKey key,
      PublicKey publicKey,
      TrustDomain trustDomain,
      Instant notBefore,
      Instant notAfter,
      SecureRandom random)
      throws GeneralSecurityException {
    byte[] keyId = keyId(publicKey);
    X500Name name =
        new X500NameBuilder(BCStyle.INSTANCE)
            .addRDN(BCStyle.O, "writ")
            .addRDN(BCStyle.CN, "writ SPIFFE CA " + HexFormat.of().formatHex(keyId, 0, 4))
            .build();
    JcaX509v3CertificateBuilder b =
        new JcaX509v3CertificateBuilder(
            name, serial(random), Date.from(notBefore), Date.from(notAfter), name, publicKey);
    try {
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
      b.addExtension(
          Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
      b.addExtension(
          Extension.subjectAlternativeName,
          false,
          new GeneralNames(
              new GeneralName(GeneralName.uniformResourceIdentifier, trustDomain.uri())));
      b.addExtension(Extension.subjectKeyIdentifier, false, new SubjectKeyIdentifier(keyId));
      b.addExtension(Extension.authorityKeyIdentifier, false, new AuthorityKeyIdentifier(keyId));
    } catch (CertIOException e) {
      throw new GeneralSecurityException("cannot encode a CA certificate extension", e);
    }
    return sign(b, key, random);
  }

  /**
   * An X.509-SVID leaf for {@code subjectKey} and {@code id}, signed by the CA, with DNS and IP
   * SANs after the URI SAN when given (the server's own certificate).
   */
  static X509Certificate leaf(
      PrivateKey caKey,
      X509Certificate caCert,
      PublicKey subjectKey,
      SpiffeId id,
      List<String> dnsNames,
      List<InetAddress> ips,
      Instant notBefore,
      Instant notAfter,
      SecureRandom random)
      throws GeneralSecurityException {
    // The identity is the URI SAN alone (SPIFFE X509-SVID section 4.1): an empty subject, so the
    // SAN extension is critical (RFC 5280 section 4.2.1.6).
    X500Name empty = new X500Name(new RDN[0]);
    JcaX509v3CertificateBuilder b =
        new JcaX509v3CertificateBuilder(
            caCert, serial(random), Date.from(notBefore), Date.from(notAfter), empty, subjectKey);
    List<GeneralName> names = new ArrayList<>();
    names.add(new GeneralName(GeneralName.uniformResourceIdentifier, id.toString()));
    for (String dns : dnsNames) {
      names.add(new GeneralName(GeneralName.dNSName, dns));
    }
    for (InetAddress ip : ips) {
      names.add(new GeneralName(GeneralName.iPAddress, new DEROctetString(ip.getAddress())));
    }
    try {
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
      b.addExtension(
          Extension.extendedKeyUsage,
          false,
          new ExtendedKeyUsage(
              new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}));
      b.addExtension(
          Extension.subjectAlternativeName,
          true,
          new GeneralNames(names.toArray(GeneralName[]::new)));
      b.addExtension(
          Extension.subjectKeyIdentifier, false, new SubjectKeyIdentifier(keyId(subjectKey)));
      b.addExtension(
          Extension.authorityKeyIdentifier, false, new AuthorityKeyIdentifier(keyIdOf(caCert)));
    } catch (CertIOException e) {
      throw new GeneralSecurityException("cannot encode an SVID extension", e);
    }
    return sign(b, caKey, random);
  }

  /** The subject key identifier of {@code cert}. */
  static byte[] keyIdOf(X509Certificate cert) throws GeneralSecurityException {
    byte[] ext = cert.getExtensionValue(Extension.subjectKeyIdentifier.getId());
    if (ext == null) {
      throw new GeneralSecurityException("the CA certificate has no subject key identifier");
    }
    try {
      return SubjectKeyIdentifier.getInstance(ASN1OctetString.getInstance(ext).getOctets())
          .getKeyIdentifier();
    } catch (IllegalArgumentException e) {
      throw new GeneralSecurityException("the CA subject key identifier does not parse", e);
    }
  }

  /** RFC 5280 section 4.2.1.2 method 1: SHA-1 of the subjectPublicKey bits. */
  private static byte[] keyId(PublicKey key) throws GeneralSecurityException {
    return new JcaX509ExtensionUtils().createSubjectKeyIdentifier(key).getKeyIdentifier();
  }

  private static BigInteger serial(SecureRandom random) {
    byte[] bytes = new byte[SERIAL_BYTES];
    BigInteger serial;
    do {
      random.nextBytes(bytes);
      serial = new BigInteger(1, bytes);
    } while (serial.signum() == 0);
    return serial;
  }

  private static X509Certificate sign(X509v3CertificateBuilder b, PrivateKey key, SecureRandom r)
      throws GeneralSecurityException {
    try {
      ContentSigner signer =
          new JcaContentSignerBuilder(SIGNATURE_ALGORITHM).setSecureRandom(r).build(key);
      return new JcaX509CertificateConverter().getCertificate(b.build(signer));
    } catch (OperatorCreationException e) {
      throw new GeneralSecurityException("cannot sign with the CA key", e);
    }
  }
}
