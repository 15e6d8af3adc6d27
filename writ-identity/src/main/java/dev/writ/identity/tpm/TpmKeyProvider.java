package dev.writ.identity.tpm;

import java.security.InvalidKeyException;
import java.security.InvalidParameterException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.PublicKey;
import java.security.Security;
import java.security.SignatureException;
import java.security.SignatureSpi;
import java.util.List;
import java.util.Map;

/**
 * The JCA provider {@code WritTPM}: {@code SHA256withECDSA} signing by a {@link TpmPrivateKey} and
 * nothing else. It is appended after every other provider, and its service declares {@link
 * TpmPrivateKey} as its only key class, so JCA's delayed provider selection sends exactly those
 * keys here and every other key where it went before. It does not verify.
 */
final class TpmKeyProvider extends Provider {
  private static final long serialVersionUID = 1L;

  static final String NAME = "WritTPM";

  private TpmKeyProvider() {
    super(NAME, "1.0", "Writ: ECDSA P-256 signatures by keys resident in a TPM 2.0");
    putService(new EcdsaService(this));
  }

  /** Appends the provider to the JVM's list once. */
  static synchronized void install() {
    if (Security.getProvider(NAME) == null) {
      Security.addProvider(new TpmKeyProvider());
    }
  }

  /** Makes its engine directly, without reflection. */
  private static final class EcdsaService extends Service {
    EcdsaService(Provider provider) {
      super(
          provider,
          "Signature",
          "SHA256withECDSA",
          TpmEcdsa.class.getName(),
          List.of(),
          Map.of("SupportedKeyClasses", TpmPrivateKey.class.getName()));
    }

    @Override
    public Object newInstance(Object constructorParameter) throws NoSuchAlgorithmException {
      if (constructorParameter != null) {
        throw new InvalidParameterException("SHA256withECDSA takes no constructor parameter");
      }
      return new TpmEcdsa();
    }
  }

  /** SHA-256 in Java, then TPM2_Sign of the digest. One use at a time, as any Signature. */
  static final class TpmEcdsa extends SignatureSpi {
    private final MessageDigest sha256;
    private TpmPrivateKey key;

    TpmEcdsa() throws NoSuchAlgorithmException {
      this.sha256 = MessageDigest.getInstance("SHA-256");
    }

    @Override
    protected void engineInitVerify(PublicKey publicKey) throws InvalidKeyException {
      throw new InvalidKeyException(NAME + " only signs; verify with the JDK's providers");
    }

    @Override
    protected void engineInitSign(PrivateKey privateKey) throws InvalidKeyException {
      if (!(privateKey instanceof TpmPrivateKey k)) {
        throw new InvalidKeyException(NAME + " signs with TPM-resident keys only");
      }
      key = k;
      sha256.reset();
    }

    @Override
    protected void engineUpdate(byte b) {
      sha256.update(b);
    }

    @Override
    protected void engineUpdate(byte[] b, int off, int len) {
      sha256.update(b, off, len);
    }

    @Override
    protected byte[] engineSign() throws SignatureException {
      if (key == null) {
        throw new SignatureException("not initialized for signing");
      }
      return key.signDigest(sha256.digest());
    }

    @Override
    protected boolean engineVerify(byte[] sigBytes) throws SignatureException {
      throw new SignatureException(NAME + " does not verify");
    }

    @Deprecated
    @Override
    protected void engineSetParameter(String param, Object value) {
      throw new InvalidParameterException("SHA256withECDSA has no parameters");
    }

    @Deprecated
    @Override
    protected Object engineGetParameter(String param) {
      throw new InvalidParameterException("SHA256withECDSA has no parameters");
    }
  }
}
