package dev.writ.identity.tpm;

import dev.writ.identity.AttestationException;
import java.io.NotSerializableException;
import java.io.ObjectOutputStream;
import java.security.PrivateKey;
import java.security.SignatureException;
import java.security.interfaces.ECKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECParameterSpec;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

/**
 * A node key whose private part lives in a TPM 2.0 at a persistent handle and never leaves it: an
 * ECC P-256 ECDSA-SHA256 signing key made by {@link Tpm2Tools#createNodeKey}. It is a JCA {@link
 * PrivateKey} without an encoding, so TLS (JSSE) and PKCS#10 builders sign with it through the
 * standard {@code SHA256withECDSA} {@link java.security.Signature}: the first use of this class
 * installs a provider, {@code WritTPM}, that serves that algorithm for these keys only (by the
 * provider's {@code SupportedKeyClasses}, so no other key reaches it) by hashing in Java and
 * calling TPM2_Sign on the digest. The key's authorization value is empty: whoever may use the
 * host's TPM may sign with it, and nobody can copy it off the host (ADR 0011).
 *
 * <p>Immutable and thread-safe (signatures are serialized by the {@link Tpm2Tools} instance). Not
 * serializable: the key is a handle into one machine's TPM.
 */
public final class TpmPrivateKey implements PrivateKey, ECKey {
  private static final long serialVersionUID = 1L;

  private final transient Tpm2Tools tools;
  private final int handle;
  private final transient ECPublicKey publicKey;

  private TpmPrivateKey(Tpm2Tools tools, int handle, ECPublicKey publicKey) {
    this.tools = tools;
    this.handle = handle;
    this.publicKey = publicKey;
    TpmKeyProvider.install();
  }

  /** Replaces whatever is at {@code handle} with a new node key generated inside the TPM. */
  public static TpmPrivateKey create(Tpm2Tools tools, int handle) throws TpmToolException {
    return of(tools, handle, tools.createNodeKey(handle));
  }

  /**
   * The node key persisted at {@code handle}, empty if the handle is empty.
   *
   * @throws TpmToolException if the TPM cannot be read or the handle holds another kind of object
   */
  public static Optional<TpmPrivateKey> at(Tpm2Tools tools, int handle) throws TpmToolException {
    Optional<byte[]> pub = tools.nodeKey(handle);
    return pub.isEmpty() ? Optional.empty() : Optional.of(of(tools, handle, pub.get()));
  }

  private static TpmPrivateKey of(Tpm2Tools tools, int handle, byte[] tpmtPublic)
      throws TpmToolException {
    try {
      return new TpmPrivateKey(
          Objects.requireNonNull(tools, "tools"),
          handle,
          (ECPublicKey) TpmPublic.parse(tpmtPublic).key());
    } catch (AttestationException | ClassCastException e) {
      throw new TpmToolException(
          "the TPM's public area at " + String.format("0x%08x", handle) + " is unusable", e);
    }
  }

  /** The public half, read from the TPM. */
  public ECPublicKey publicKey() {
    return publicKey;
  }

  /** The persistent handle the key lives at. */
  public int handle() {
    return handle;
  }

  /**
   * TPM2_Sign of a SHA-256 digest.
   *
   * @return the ECDSA signature in the DER form JCA's {@code SHA256withECDSA} produces
   */
  byte[] signDigest(byte[] digest) throws SignatureException {
    try {
      return TpmSignature.parse(tools.signDigest(handle, digest)).ecdsaDer(TpmHash.SHA256);
    } catch (TpmToolException | AttestationException e) {
      throw new SignatureException("the TPM did not sign: " + e.getMessage(), e);
    }
  }

  @Override
  public String getAlgorithm() {
    return "EC";
  }

  /** None: the private part cannot be exported. */
  @Override
  public String getFormat() {
    return null;
  }

  /** None: the private part cannot be exported. */
  @Override
  public byte[] getEncoded() {
    return null;
  }

  @Override
  public ECParameterSpec getParams() {
    return publicKey.getParams();
  }

  private void writeObject(ObjectOutputStream out) throws NotSerializableException {
    throw new NotSerializableException("a TPM-resident key is a handle into one machine's TPM");
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TpmPrivateKey k
        && k.handle == handle
        && k.tools == tools
        && Arrays.equals(k.publicKey.getEncoded(), publicKey.getEncoded());
  }

  @Override
  public int hashCode() {
    return Objects.hash(handle, Arrays.hashCode(publicKey.getEncoded()));
  }

  @Override
  public String toString() {
    return "TpmPrivateKey[P-256 at " + String.format("0x%08x", handle) + "]";
  }
}
