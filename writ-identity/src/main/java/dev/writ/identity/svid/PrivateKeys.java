package dev.writ.identity.svid;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.EdECPrivateKey;
import java.security.interfaces.RSAPrivateKey;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.PKCS8EncodedKeySpec;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.edec.EdECObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x9.ECNamedCurveTable;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.math.ec.ECMultiplier;
import org.bouncycastle.math.ec.FixedPointCombMultiplier;

/**
 * PKCS#8 private keys (RFC 5208) of the kinds Writ certifies: decoding, PEM encoding, and the check
 * that a private key belongs to a public key. Stateless and thread-safe.
 */
final class PrivateKeys {
  private static final byte[] PAIR_CHALLENGE =
      "writ: private key belongs to the certificate".getBytes(StandardCharsets.US_ASCII);

  private PrivateKeys() {}

  /** A DER PKCS#8 EC, Ed25519 or RSA private key; {@code KEY_MALFORMED} for anything else. */
  static PrivateKey fromPkcs8(byte[] der) throws SvidException {
    try {
      ASN1ObjectIdentifier alg =
          PrivateKeyInfo.getInstance(der).getPrivateKeyAlgorithm().getAlgorithm();
      String jcaName;
      if (alg.equals(X9ObjectIdentifiers.id_ecPublicKey)) {
        jcaName = "EC";
      } else if (alg.equals(EdECObjectIdentifiers.id_Ed25519)) {
        jcaName = "Ed25519";
      } else if (alg.equals(PKCSObjectIdentifiers.rsaEncryption)) {
        jcaName = "RSA";
      } else {
        throw new SvidException(
            SvidFailure.KEY_MALFORMED,
            "private key algorithm " + alg.getId() + " is not supported");
      }
      return KeyFactory.getInstance(jcaName).generatePrivate(new PKCS8EncodedKeySpec(der));
    } catch (GeneralSecurityException | RuntimeException e) {
      // BouncyCastle reports malformed ASN.1 with unchecked exceptions
      throw new SvidException(SvidFailure.KEY_MALFORMED, "not a PKCS#8 private key", e);
    }
  }

  /** The key as a PEM PRIVATE KEY block (PKCS#8). The result is secret. */
  static String toPem(PrivateKey key) {
    if (!"PKCS#8".equals(key.getFormat())) {
      throw new IllegalArgumentException("the private key has no PKCS#8 encoding");
    }
    return Pem.encode(Pem.PRIVATE_KEY, key.getEncoded());
  }

  /** Throws {@code KEY_MISMATCH} unless {@code key} signs what {@code publicKey} verifies. */
  static void checkPair(PrivateKey key, PublicKey publicKey) throws SvidException {
    String alg =
        switch (key) {
          case ECPrivateKey k -> "SHA256withECDSA";
          case EdECPrivateKey k -> "Ed25519";
          case RSAPrivateKey k -> "SHA256withRSA";
          // a key held by a device (a TPM) has no encoding; its provider signs for it
          case PrivateKey k when isDeviceKey(k, "EC") -> "SHA256withECDSA";
          default ->
              throw new SvidException(
                  SvidFailure.KEY_MISMATCH, "a " + key.getAlgorithm() + " key cannot be checked");
        };
    boolean ok;
    try {
      Signature signer = Signature.getInstance(alg);
      signer.initSign(key);
      signer.update(PAIR_CHALLENGE);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(alg);
      verifier.initVerify(publicKey);
      verifier.update(PAIR_CHALLENGE);
      ok = verifier.verify(signature);
    } catch (GeneralSecurityException e) {
      throw new SvidException(
          SvidFailure.KEY_MISMATCH, "the private key does not match the certificate key", e);
    }
    if (!ok) {
      throw new SvidException(
          SvidFailure.KEY_MISMATCH, "the private key does not match the certificate key");
    }
  }

  /** Whether {@code key} is of {@code algorithm} and has no encoding: its device holds it. */
  static boolean isDeviceKey(PrivateKey key, String algorithm) {
    return algorithm.equals(key.getAlgorithm()) && key.getFormat() == null;
  }

  /** The public key of a P-256 private key: d times the generator. */
  static PublicKey p256PublicKey(ECPrivateKey key) throws GeneralSecurityException {
    X9ECParameters curve = ECNamedCurveTable.getByName("secp256r1");
    if (!key.getParams().getOrder().equals(curve.getN())) {
      throw new GeneralSecurityException("the EC key is not on curve P-256");
    }
    BigInteger d = key.getS();
    if (d.signum() <= 0 || d.compareTo(curve.getN()) >= 0) {
      throw new GeneralSecurityException("the private scalar is out of range");
    }
    ECMultiplier multiplier = new FixedPointCombMultiplier();
    org.bouncycastle.math.ec.ECPoint q = multiplier.multiply(curve.getG(), d).normalize();
    ECPoint point =
        new ECPoint(q.getAffineXCoord().toBigInteger(), q.getAffineYCoord().toBigInteger());
    return KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(point, key.getParams()));
  }
}
