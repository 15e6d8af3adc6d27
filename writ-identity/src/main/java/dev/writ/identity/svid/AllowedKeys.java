package dev.writ.identity.svid;

import java.io.IOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.edec.EdECObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.RSAPublicKey;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.crypto.util.PublicKeyFactory;

/**
 * The subject keys Writ certifies: EC P-256, Ed25519, and RSA of {@link #MIN_RSA_BITS} to {@link
 * #MAX_RSA_BITS} bits. Anything else is refused with {@link SvidFailure#CSR_KEY_UNSUPPORTED}.
 * Stateless and thread-safe.
 */
final class AllowedKeys {
  /** NIST SP 800-131A rev. 2: RSA below 2048 bits is disallowed for signatures. */
  static final int MIN_RSA_BITS = 2048;

  /** Bounds the cost of a verification an enrolling agent can make the server do. */
  static final int MAX_RSA_BITS = 4096;

  /** The closed set of key kinds. */
  enum Kind {
    EC_P256("EC"),
    ED25519("Ed25519"),
    RSA("RSA");

    private final String jcaName;

    Kind(String jcaName) {
      this.jcaName = jcaName;
    }
  }

  /** A key of an allowed kind, as a JDK key. */
  record Key(Kind kind, PublicKey publicKey) {}

  private AllowedKeys() {}

  /** Checks a JDK key, e.g. the server's own TLS key; throws for a key of another kind. */
  static Key check(PublicKey key) throws SvidException {
    SubjectPublicKeyInfo spki;
    try {
      spki = SubjectPublicKeyInfo.getInstance(key.getEncoded());
    } catch (IllegalArgumentException e) {
      throw unsupported("the key has no X.509 encoding", e);
    }
    return check(spki);
  }

  /** Checks a SubjectPublicKeyInfo and converts it to a JDK key. */
  static Key check(SubjectPublicKeyInfo spki) throws SvidException {
    AlgorithmIdentifier alg = spki.getAlgorithm();
    ASN1ObjectIdentifier oid = alg.getAlgorithm();
    ASN1Encodable params = alg.getParameters();
    Kind kind;
    if (oid.equals(X9ObjectIdentifiers.id_ecPublicKey)) {
      if (!SECObjectIdentifiers.secp256r1.equals(params)) {
        throw unsupported("an EC key must be on curve P-256 (named curve secp256r1)", null);
      }
      validatePoint(spki);
      kind = Kind.EC_P256;
    } else if (oid.equals(EdECObjectIdentifiers.id_Ed25519)) {
      if (params != null || spki.getPublicKeyData().getOctets().length != 32) {
        throw unsupported("an Ed25519 key is 32 bytes without parameters", null);
      }
      kind = Kind.ED25519;
    } else if (oid.equals(PKCSObjectIdentifiers.rsaEncryption)) {
      if (params != null && !DERNull.INSTANCE.equals(params)) {
        throw unsupported("an RSA key has NULL parameters", null);
      }
      checkRsa(spki);
      kind = Kind.RSA;
    } else {
      throw unsupported("key algorithm " + oid.getId() + " is not EC P-256, Ed25519 or RSA", null);
    }
    try {
      PublicKey key =
          KeyFactory.getInstance(kind.jcaName)
              .generatePublic(new X509EncodedKeySpec(spki.getEncoded(ASN1Encoding.DER)));
      return new Key(kind, key);
    } catch (GeneralSecurityException | IOException e) {
      throw unsupported("the " + kind.jcaName + " key does not decode", e);
    }
  }

  private static void validatePoint(SubjectPublicKeyInfo spki) throws SvidException {
    try {
      // BouncyCastle checks that the point is on the curve, in the subgroup and not infinity
      PublicKeyFactory.createKey(spki);
    } catch (IOException | RuntimeException e) {
      throw unsupported("the EC public key is not a valid P-256 point", e);
    }
  }

  private static void checkRsa(SubjectPublicKeyInfo spki) throws SvidException {
    RSAPublicKey rsa;
    try {
      rsa = RSAPublicKey.getInstance(spki.parsePublicKey());
    } catch (IOException | RuntimeException e) {
      throw unsupported("the RSA public key does not parse", e);
    }
    int bits = rsa.getModulus().bitLength();
    if (bits < MIN_RSA_BITS || bits > MAX_RSA_BITS) {
      throw unsupported(
          "an RSA key has " + MIN_RSA_BITS + " to " + MAX_RSA_BITS + " bits, got " + bits, null);
    }
    BigInteger e = rsa.getPublicExponent();
    if (e.compareTo(BigInteger.valueOf(3)) < 0 || !e.testBit(0)) {
      throw unsupported("the RSA public exponent is not an odd number of at least 3", null);
    }
  }

  private static SvidException unsupported(String detail, Throwable cause) {
    return cause == null
        ? new SvidException(SvidFailure.CSR_KEY_UNSUPPORTED, detail)
        : new SvidException(SvidFailure.CSR_KEY_UNSUPPORTED, detail, cause);
  }
}
