package dev.writ.core;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPrivateKeySpec;
import java.security.spec.ECPublicKeySpec;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.sec.SECNamedCurves;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.crypto.CryptoException;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;
import org.bouncycastle.pqc.crypto.mldsa.MLDSAParameters;
import org.bouncycastle.pqc.crypto.mldsa.MLDSAPrivateKeyParameters;
import org.bouncycastle.pqc.crypto.mldsa.MLDSASigner;

/**
 * An operator key for tests, derived deterministically from its name, so fixtures and checked-in
 * fuzz seeds stay valid across runs and library versions: Ed25519 from a 32-byte RFC 8032 seed,
 * ML-DSA-65 from a 32-byte FIPS 204 seed (both BouncyCastle's lightweight API), ECDSA P-256 from an
 * explicit scalar (the JDK). Signatures are the wire forms Writ verifies: Ed25519 64 bytes, ECDSA
 * P1363 r||s, pure ML-DSA-65 with the empty context.
 *
 * <p>Test code only: the private keys are in plain memory.
 */
public final class TestKey {
  /** RFC 8410 section 3. */
  private static final ASN1ObjectIdentifier ID_ED25519 = new ASN1ObjectIdentifier("1.3.101.112");

  private final String name;
  private final SignatureAlgorithm algorithm;
  private final byte[] spki;
  private final Signing signing;

  @FunctionalInterface
  private interface Signing {
    byte[] sign(byte[] message) throws GeneralSecurityException, CryptoException;
  }

  private TestKey(String name, SignatureAlgorithm algorithm, byte[] spki, Signing signing) {
    this.name = name;
    this.algorithm = algorithm;
    this.spki = spki.clone();
    this.signing = signing;
  }

  private static byte[] seed(String name) {
    try {
      return MessageDigest.getInstance("SHA-256")
          .digest(("writ test key " + name).getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new AssertionError(e);
    }
  }

  private static byte[] spki(AlgorithmIdentifier alg, byte[] key) {
    try {
      return new SubjectPublicKeyInfo(alg, key).getEncoded("DER");
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  public static TestKey ed25519(String name) {
    Ed25519PrivateKeyParameters priv = new Ed25519PrivateKeyParameters(seed(name));
    byte[] spki = spki(new AlgorithmIdentifier(ID_ED25519), priv.generatePublicKey().getEncoded());
    return new TestKey(
        name,
        SignatureAlgorithm.ED25519,
        spki,
        message -> {
          Ed25519Signer s = new Ed25519Signer();
          s.init(true, priv);
          s.update(message, 0, message.length);
          return s.generateSignature();
        });
  }

  public static TestKey mlDsa65(String name) {
    MLDSAPrivateKeyParameters priv =
        new MLDSAPrivateKeyParameters(MLDSAParameters.ml_dsa_65, seed(name));
    byte[] spki =
        spki(
            new AlgorithmIdentifier(NISTObjectIdentifiers.id_ml_dsa_65),
            priv.getPublicKeyParameters().getEncoded());
    return new TestKey(
        name,
        SignatureAlgorithm.ML_DSA_65,
        spki,
        message -> {
          MLDSASigner s = new MLDSASigner();
          s.init(true, priv);
          s.update(message, 0, message.length);
          return s.generateSignature();
        });
  }

  public static TestKey ecdsaP256(String name) {
    try {
      AlgorithmParameters ap = AlgorithmParameters.getInstance("EC");
      ap.init(new ECGenParameterSpec("secp256r1"));
      ECParameterSpec p = ap.getParameterSpec(ECParameterSpec.class);
      BigInteger n = p.getOrder();
      BigInteger d =
          new BigInteger(1, seed(name)).mod(n.subtract(BigInteger.ONE)).add(BigInteger.ONE);
      org.bouncycastle.math.ec.ECPoint q =
          SECNamedCurves.getByName("secp256r1").getG().multiply(d).normalize();
      KeyFactory kf = KeyFactory.getInstance("EC");
      ECPublicKey pub =
          (ECPublicKey)
              kf.generatePublic(
                  new ECPublicKeySpec(
                      new ECPoint(
                          q.getAffineXCoord().toBigInteger(), q.getAffineYCoord().toBigInteger()),
                      p));
      PrivateKey priv = kf.generatePrivate(new ECPrivateKeySpec(d, p));
      return new TestKey(
          name,
          SignatureAlgorithm.ECDSA_P256_SHA256,
          pub.getEncoded(),
          message -> {
            Signature s = Signature.getInstance("SHA256withECDSAinP1363Format");
            s.initSign(priv);
            s.update(message);
            return s.sign();
          });
    } catch (GeneralSecurityException e) {
      throw new AssertionError(e);
    }
  }

  public String name() {
    return name;
  }

  public SignatureAlgorithm algorithm() {
    return algorithm;
  }

  public byte[] spki() {
    return spki.clone();
  }

  public KeyId id() {
    return KeyId.ofSpki(spki);
  }

  /** The verifier writ-core decodes from this key's SPKI. */
  public PublicKeyVerifier verifier() {
    try {
      return PublicKeyVerifier.decode(algorithm, spki);
    } catch (WritDeniedException e) {
      throw new AssertionError("test key " + name + " does not decode", e);
    }
  }

  /** A signature over {@code message} (callers pass DSSE PAE bytes). */
  public byte[] sign(byte[] message) {
    try {
      return signing.sign(message);
    } catch (GeneralSecurityException | CryptoException e) {
      throw new AssertionError(e);
    }
  }

  /** The DSSE signature over {@code Envelope.pae(payloadType, payload)}, naming this key. */
  public Envelope.Signature signEnvelope(String payloadType, byte[] payload) {
    return new Envelope.Signature(id(), sign(Envelope.pae(payloadType, payload)));
  }

  @Override
  public String toString() {
    return name + " (" + algorithm.wire() + ")";
  }
}
