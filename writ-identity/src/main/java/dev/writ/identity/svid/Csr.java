package dev.writ.identity.svid;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import java.util.Arrays;
import java.util.Map;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.edec.EdECObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.CertificationRequest;
import org.bouncycastle.asn1.pkcs.CertificationRequestInfo;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;

/**
 * A PKCS#10 certification request (RFC 2986) whose signature verified under its own key: proof that
 * the requester holds the private key. Only the key is kept; the request's subject, SANs and
 * requested extensions are ignored, because the server alone decides the identity it certifies.
 *
 * <p>Accepted keys: EC P-256, Ed25519, RSA of 2048 to 4096 bits. Accepted signature algorithms:
 * ECDSA with SHA-256/384/512, Ed25519, RSA PKCS#1 v1.5 with SHA-256/384/512. Immutable and
 * thread-safe; only {@link #parse} makes one.
 */
public final class Csr {
  /**
   * A P-256 or Ed25519 CSR is about 300 bytes and an RSA-4096 one about 1,100; 8 KiB leaves room
   * for a subject and attributes without letting a client make the server parse more.
   */
  public static final int MAX_DER_BYTES = 8 * 1024;

  /** Signature algorithm OID to JCA name, per key kind; nothing else verifies. */
  private static final Map<AllowedKeys.Kind, Map<ASN1ObjectIdentifier, String>> SIGNATURES =
      Map.of(
          AllowedKeys.Kind.EC_P256,
          Map.of(
              X9ObjectIdentifiers.ecdsa_with_SHA256, "SHA256withECDSA",
              X9ObjectIdentifiers.ecdsa_with_SHA384, "SHA384withECDSA",
              X9ObjectIdentifiers.ecdsa_with_SHA512, "SHA512withECDSA"),
          AllowedKeys.Kind.ED25519,
          Map.of(EdECObjectIdentifiers.id_Ed25519, "Ed25519"),
          AllowedKeys.Kind.RSA,
          Map.of(
              PKCSObjectIdentifiers.sha256WithRSAEncryption, "SHA256withRSA",
              PKCSObjectIdentifiers.sha384WithRSAEncryption, "SHA384withRSA",
              PKCSObjectIdentifiers.sha512WithRSAEncryption, "SHA512withRSA"));

  private final PublicKey publicKey;

  private Csr(PublicKey publicKey) {
    this.publicKey = publicKey;
  }

  /**
   * Parses and verifies a DER-encoded CSR. Checks, in order: size ({@code CSR_OVERSIZE}), strict
   * DER structure with version 0 ({@code CSR_MALFORMED}), key kind ({@code CSR_KEY_UNSUPPORTED}),
   * signature algorithm allowed for the key and signature valid ({@code CSR_BAD_SIGNATURE}).
   *
   * @throws SvidException for any input that is not such a CSR; no other exception escapes
   */
  public static Csr parse(byte[] der) throws SvidException {
    if (der.length > MAX_DER_BYTES) {
      throw new SvidException(
          SvidFailure.CSR_OVERSIZE,
          "a CSR is at most " + MAX_DER_BYTES + " bytes, got " + der.length);
    }
    CertificationRequest request = decode(der);
    CertificationRequestInfo info = request.getCertificationRequestInfo();
    AllowedKeys.Key key = AllowedKeys.check(info.getSubjectPublicKeyInfo());
    verifySignature(request, info, key);
    return new Csr(key.publicKey());
  }

  /** The requester's public key, the only part of the request a certificate takes. */
  public PublicKey publicKey() {
    return publicKey;
  }

  @Override
  public String toString() {
    return "Csr[" + publicKey.getAlgorithm() + "]";
  }

  private static CertificationRequest decode(byte[] der) throws SvidException {
    CertificationRequest request;
    try {
      // BouncyCastle reports malformed ASN.1 with IOException and several unchecked exceptions
      request = CertificationRequest.getInstance(ASN1Primitive.fromByteArray(der));
      if (request == null || !Arrays.equals(request.getEncoded(ASN1Encoding.DER), der)) {
        throw new SvidException(SvidFailure.CSR_MALFORMED, "the CSR is not DER-encoded");
      }
      if (request.getCertificationRequestInfo().getVersion().intValueExact() != 0) {
        throw new SvidException(SvidFailure.CSR_MALFORMED, "the CSR version is not 0 (v1)");
      }
      if (request.getSignature().getPadBits() != 0) {
        throw new SvidException(SvidFailure.CSR_MALFORMED, "the CSR signature is not whole bytes");
      }
    } catch (IOException | RuntimeException e) {
      throw new SvidException(
          SvidFailure.CSR_MALFORMED, "the bytes are not a PKCS#10 certification request", e);
    }
    return request;
  }

  private static void verifySignature(
      CertificationRequest request, CertificationRequestInfo info, AllowedKeys.Key key)
      throws SvidException {
    AlgorithmIdentifier alg = request.getSignatureAlgorithm();
    String jcaName = SIGNATURES.get(key.kind()).get(alg.getAlgorithm());
    ASN1Encodable params = alg.getParameters();
    boolean paramsOk =
        key.kind() == AllowedKeys.Kind.RSA
            ? params == null || DERNull.INSTANCE.equals(params)
            : params == null;
    if (jcaName == null || !paramsOk) {
      throw new SvidException(
          SvidFailure.CSR_BAD_SIGNATURE,
          "signature algorithm "
              + alg.getAlgorithm().getId()
              + " is not allowed for a "
              + key.kind()
              + " key");
    }
    boolean valid;
    try {
      Signature verifier = Signature.getInstance(jcaName);
      verifier.initVerify(key.publicKey());
      verifier.update(info.getEncoded(ASN1Encoding.DER));
      valid = verifier.verify(request.getSignature().getOctets());
    } catch (GeneralSecurityException | IOException e) {
      throw new SvidException(SvidFailure.CSR_BAD_SIGNATURE, "the CSR signature is invalid", e);
    }
    if (!valid) {
      throw new SvidException(
          SvidFailure.CSR_BAD_SIGNATURE, "the CSR signature does not verify under its key");
    }
  }
}
