package dev.writ.sign;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.ASN1GeneralizedTime;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1UTCTime;
import org.bouncycastle.asn1.DERBitString;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x509.TBSCertificate;
import org.bouncycastle.asn1.x509.Time;
import org.bouncycastle.asn1.x509.V3TBSCertificateGenerator;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;

/**
 * The self-signed X.509 certificate stored beside an ECDSA key in the token, so that SunPKCS11's
 * {@code KeyStore} exposes the private key (it lists only private keys with a certificate of the
 * same {@code CKA_ID}). The certificate carries no trust: Writ trusts keys only through its trust
 * root. It is deterministic (no clock, no randomness): subject and issuer {@code CN=<label>},
 * serial from the first 16 bytes of the key id (low bit set, so never zero), validity from 1970 to
 * 9999-12-31 (RFC 5280 section 4.1.2.5, "no well-defined expiration date"), key usage
 * digitalSignature only.
 *
 * @param der the certificate
 * @param subject DER of the subject (and issuer) name, for {@code CKA_SUBJECT} and {@code
 *     CKA_ISSUER}
 * @param serialNumber DER INTEGER of the serial, for {@code CKA_SERIAL_NUMBER}
 */
@SuppressWarnings("ArrayRecordComponent") // package-private, built once and stored in the token
record Pkcs11HolderCertificate(byte[] der, byte[] subject, byte[] serialNumber) {
  private static final AlgorithmIdentifier ECDSA_WITH_SHA256 =
      new AlgorithmIdentifier(X9ObjectIdentifiers.ecdsa_with_SHA256);
  private static final int SERIAL_BYTES = 16;

  /** Signs the DER of a TBSCertificate with the token key: SHA-256 then ECDSA, P1363 r||s. */
  @FunctionalInterface
  interface TbsSigner {
    byte[] signP1363(byte[] tbsDer) throws SigningException;
  }

  /** Builds and signs the certificate, then checks it with the JDK's X.509 code. */
  static Pkcs11HolderCertificate create(
      String label, byte[] spki, byte[] keyIdBytes, TbsSigner signer) throws SigningException {
    X500Name name = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, label).build();
    ASN1Integer serial =
        new ASN1Integer(new BigInteger(1, Arrays.copyOf(keyIdBytes, SERIAL_BYTES)).setBit(0));
    V3TBSCertificateGenerator g = new V3TBSCertificateGenerator();
    g.setSerialNumber(serial);
    g.setSignature(ECDSA_WITH_SHA256);
    g.setIssuer(name);
    g.setSubject(name);
    g.setStartDate(new Time(new ASN1UTCTime("700101000000Z")));
    g.setEndDate(new Time(new ASN1GeneralizedTime("99991231235959Z")));
    g.setSubjectPublicKeyInfo(SubjectPublicKeyInfo.getInstance(spki));
    try {
      g.setExtensions(
          new Extensions(
              new Extension(
                  Extension.keyUsage,
                  true,
                  new KeyUsage(KeyUsage.digitalSignature).getEncoded("DER"))));
      TBSCertificate tbs = g.generateTBSCertificate();
      byte[] p1363 = signer.signP1363(tbs.getEncoded("DER"));
      ASN1EncodableVector cert = new ASN1EncodableVector();
      cert.add(tbs);
      cert.add(ECDSA_WITH_SHA256);
      cert.add(new DERBitString(derSignature(p1363)));
      byte[] der = new DERSequence(cert).getEncoded("DER");
      check(der, spki);
      return new Pkcs11HolderCertificate(der, name.getEncoded("DER"), serial.getEncoded("DER"));
    } catch (IOException e) {
      throw new SigningException("cannot encode the key's certificate", e);
    }
  }

  /** ECDSA-Sig-Value (RFC 3279 section 2.2.3) from P1363 r||s. */
  private static byte[] derSignature(byte[] p1363) throws SigningException, IOException {
    if (p1363.length != 64) {
      throw new SigningException("the token returned a " + p1363.length + "-byte P-256 signature");
    }
    BigInteger r = new BigInteger(1, Arrays.copyOfRange(p1363, 0, 32));
    BigInteger s = new BigInteger(1, Arrays.copyOfRange(p1363, 32, 64));
    ASN1EncodableVector v = new ASN1EncodableVector();
    v.add(new ASN1Integer(r));
    v.add(new ASN1Integer(s));
    return new DERSequence(v).getEncoded("DER");
  }

  /** The certificate parses, names {@code spki} and its signature verifies under it. */
  private static void check(byte[] der, byte[] spki) throws SigningException {
    try {
      X509Certificate cert =
          (X509Certificate)
              CertificateFactory.getInstance("X.509")
                  .generateCertificate(new ByteArrayInputStream(der));
      if (!Arrays.equals(cert.getPublicKey().getEncoded(), spki)) {
        throw new SigningException("the key's certificate names another public key");
      }
      cert.verify(cert.getPublicKey());
    } catch (GeneralSecurityException e) {
      throw new SigningException("the token's signature on the key's certificate is invalid", e);
    }
  }
}
