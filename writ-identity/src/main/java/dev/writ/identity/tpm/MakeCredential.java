package dev.writ.identity.tpm;

import dev.writ.identity.AttestationException;
import dev.writ.identity.AttestationFailure;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.MGF1ParameterSpec;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;
import javax.crypto.spec.SecretKeySpec;

/**
 * TPM2_MakeCredential done in software (TPM 2.0 Part 1 §24 "Credential Protection", Part 2
 * TPM2B_ID_OBJECT): seals a fresh random credential so that only the TPM holding the endorsement
 * key, with the named attestation key loaded, can recover it. Supports the RSA 2048 endorsement key
 * of the TCG default template (name algorithm SHA-256, AES-128-CFB); ECC endorsement keys are
 * refused. Stateless and thread-safe (the caller's {@link SecureRandom} must be).
 */
public final class MakeCredential {
  /** Bytes of the credential the server generates: the EK name algorithm's digest size. */
  public static final int SECRET_BYTES = 32;

  private static final int CREDENTIAL_FILE_MAGIC = 0xBADCC0DE;
  private static final int CREDENTIAL_FILE_VERSION = 1;
  private static final TpmHash EK_NAME_ALG = TpmHash.SHA256;
  private static final int EK_RSA_BITS = 2048;
  private static final int AES_BITS = 128;

  private MakeCredential() {}

  /**
   * Seals a fresh credential to {@code ekCertificate}'s key and {@code akPublic}'s Name.
   *
   * @param ekCertificate the endorsement key certificate the node presented (leaf of its chain)
   * @param akPublic the attestation key's TPMT_PUBLIC the node presented
   * @throws AttestationException {@code ATTESTATION_MALFORMED} or {@code ATTESTATION_OVERSIZE} if
   *     {@code akPublic} does not parse or the endorsement key is not RSA 2048; {@code
   *     ATTESTATION_KEY_UNBOUND} if the key lacks an attestation key's attributes
   */
  public static CredentialChallenge make(
      X509Certificate ekCertificate, byte[] akPublic, SecureRandom random)
      throws AttestationException {
    TpmPublic ak = TpmPublic.parse(akPublic);
    ak.checkAttestationKey();
    if (!(ekCertificate.getPublicKey() instanceof RSAPublicKey ek)
        || ek.getModulus().bitLength() != EK_RSA_BITS) {
      throw new AttestationException(
          AttestationFailure.ATTESTATION_MALFORMED,
          "only an RSA 2048 endorsement key is supported (NV index 0x01c00002); ECC endorsement"
              + " keys are not");
    }
    byte[] secret = new byte[SECRET_BYTES];
    random.nextBytes(secret);
    byte[] seed = new byte[EK_NAME_ALG.size()];
    random.nextBytes(seed);
    TpmName name = ak.name();
    byte[] blob = seal(ek, name, secret, seed, random);
    return new CredentialChallenge(blob, ExpectedActivation.restore(name, ek, secret));
  }

  /** The credential file for {@code secret} with a given {@code seed}. */
  static byte[] seal(
      RSAPublicKey ek, TpmName akName, byte[] secret, byte[] seed, SecureRandom rnd) {
    byte[] name = akName.bytes();
    byte[] symKey = Kdfa.derive(EK_NAME_ALG, seed, "STORAGE", name, new byte[0], AES_BITS);
    byte[] hmacKey =
        Kdfa.derive(EK_NAME_ALG, seed, "INTEGRITY", new byte[0], new byte[0], 8 * seed.length);
    try {
      Cipher aes = Cipher.getInstance("AES/CFB/NoPadding");
      aes.init(
          Cipher.ENCRYPT_MODE, new SecretKeySpec(symKey, "AES"), new IvParameterSpec(new byte[16]));
      byte[] encIdentity = aes.doFinal(sized(secret));
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(hmacKey, "HmacSHA256"));
      mac.update(encIdentity);
      byte[] outerHmac = mac.doFinal(name);

      Cipher oaep = Cipher.getInstance("RSA/ECB/OAEPPadding");
      byte[] label = "IDENTITY\0".getBytes(StandardCharsets.US_ASCII);
      oaep.init(
          Cipher.ENCRYPT_MODE,
          ek,
          new OAEPParameterSpec(
              "SHA-256", "MGF1", MGF1ParameterSpec.SHA256, new PSource.PSpecified(label)),
          rnd);
      byte[] encSecret = oaep.doFinal(seed);

      ByteArrayOutputStream idObject = new ByteArrayOutputStream();
      idObject.writeBytes(sized(outerHmac));
      idObject.writeBytes(encIdentity);
      ByteArrayOutputStream file = new ByteArrayOutputStream();
      file.writeBytes(u32(CREDENTIAL_FILE_MAGIC));
      file.writeBytes(u32(CREDENTIAL_FILE_VERSION));
      file.writeBytes(sized(idObject.toByteArray()));
      file.writeBytes(sized(encSecret));
      return file.toByteArray();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot seal a credential with the JDK's providers", e);
    }
  }

  private static byte[] sized(byte[] b) {
    byte[] out = new byte[2 + b.length];
    out[0] = (byte) (b.length >>> 8);
    out[1] = (byte) b.length;
    System.arraycopy(b, 0, out, 2, b.length);
    return out;
  }

  private static byte[] u32(int v) {
    return new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
  }
}
