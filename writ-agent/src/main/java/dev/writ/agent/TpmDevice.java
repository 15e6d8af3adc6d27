package dev.writ.agent;

import dev.writ.identity.svid.NodeKey;
import dev.writ.identity.tpm.AttestationKeyType;
import dev.writ.identity.tpm.PcrId;
import dev.writ.identity.tpm.Tpm2Tools;
import dev.writ.identity.tpm.TpmHash;
import dev.writ.identity.tpm.TpmPrivateKey;
import dev.writ.identity.tpm.TpmQuote;
import dev.writ.identity.tpm.TpmToolException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The node's TPM as enrollment uses it: the RSA EK and its certificate chain (the certificate from
 * NV plus the CA certificates the operator gives), an ECC P-256 attestation key persisted under the
 * EK, credential activation and a quote of every SHA-256 PCR over the exchange's binding, and the
 * node's SVID key, generated and kept inside the TPM.
 *
 * <p>Not thread-safe.
 */
public final class TpmDevice {
  /** PCRs of a PC Client TPM (TCG PC Client Platform TPM Profile): 0 to 23. */
  static final int PC_CLIENT_PCRS = 24;

  /** The PCRs quoted: the whole SHA-256 bank. */
  static final List<PcrId> QUOTED = quoted();

  private final Tpm2Tools tools;
  private final List<X509Certificate> caChain;
  private final Optional<PublicKey> keep;

  private TpmDevice(Tpm2Tools tools, List<X509Certificate> caChain, Optional<PublicKey> keep) {
    this.tools = tools;
    this.caChain = List.copyOf(caChain);
    this.keep = keep;
  }

  /**
   * The TPM at {@code tcti}; tpm2-tools run in {@code workDir}, created if missing.
   *
   * @param tcti the TPM 2.0 transport, e.g. {@code device:/dev/tpmrm0} or {@code
   *     swtpm:host=127.0.0.1,port=2321}
   * @param caChain the EK certificate's issuers, leaf-most first (from the TPM vendor, or swtpm's
   *     local CA)
   * @throws IOException if the working directory cannot be created
   */
  public static TpmDevice open(String tcti, Path workDir, List<X509Certificate> caChain)
      throws IOException {
    Files.createDirectories(workDir);
    return new TpmDevice(
        new Tpm2Tools(tcti, workDir, Duration.ofSeconds(30)), caChain, Optional.empty());
  }

  /**
   * This TPM, told that {@code current} is the key of the SVID in use: a new node key is then made
   * at the other of the two node key handles, so the current SVID keeps its key until the new one
   * is saved.
   */
  public TpmDevice keeping(PublicKey current) {
    return new TpmDevice(tools, caChain, Optional.of(current));
  }

  /**
   * A new node key generated inside the TPM (docs/spec/enrollment.md section 1) at the first of
   * {@link Tpm2Tools#NODE_KEY_HANDLES} that is empty, or else at the first that does not hold the
   * key {@link #keeping} names; whatever was there is replaced.
   */
  NodeKey newNodeKey() throws TpmToolException {
    Integer target = null;
    for (int handle : Tpm2Tools.NODE_KEY_HANDLES) {
      Optional<TpmPrivateKey> there = TpmPrivateKey.at(tools, handle);
      if (there.isEmpty()) {
        target = handle;
        break;
      }
      if (target == null && (keep.isEmpty() || !same(there.get().publicKey(), keep.get()))) {
        target = handle;
      }
    }
    if (target == null) {
      throw new TpmToolException("both node key handles hold the key in use");
    }
    TpmPrivateKey key = TpmPrivateKey.create(tools, target);
    return NodeKey.of(key.publicKey(), key);
  }

  /**
   * The TPM-resident private key of {@code leafKey} (an SVID file without a key), empty if neither
   * node key handle holds it.
   */
  public Optional<PrivateKey> keyFor(PublicKey leafKey) throws TpmToolException {
    for (int handle : Tpm2Tools.NODE_KEY_HANDLES) {
      Optional<TpmPrivateKey> there = TpmPrivateKey.at(tools, handle);
      if (there.isPresent() && same(there.get().publicKey(), leafKey)) {
        return Optional.of(there.get());
      }
    }
    return Optional.empty();
  }

  private static boolean same(PublicKey a, PublicKey b) {
    return Arrays.equals(a.getEncoded(), b.getEncoded());
  }

  private static List<PcrId> quoted() {
    List<PcrId> out = new ArrayList<>();
    for (int i = 0; i < PC_CLIENT_PCRS; i++) {
      out.add(new PcrId(TpmHash.SHA256, i));
    }
    return List.copyOf(out);
  }

  /** The EK certificate followed by its issuers. */
  List<X509Certificate> ekChain() throws TpmToolException {
    tools.endorsementKey();
    List<X509Certificate> chain = new ArrayList<>();
    chain.add(tools.endorsementCertificate());
    chain.addAll(caChain);
    return chain;
  }

  /** The attestation key's public area (TPMT_PUBLIC), created and persisted if missing. */
  byte[] akPublic() throws TpmToolException {
    return tools.attestationKey(Tpm2Tools.DEFAULT_AK_HANDLE, AttestationKeyType.ECC_P256);
  }

  byte[] activate(byte[] credentialBlob) throws TpmToolException {
    return tools.activateCredential(Tpm2Tools.DEFAULT_AK_HANDLE, credentialBlob);
  }

  TpmQuote quote(byte[] qualifyingData) throws TpmToolException {
    return tools.quote(Tpm2Tools.DEFAULT_AK_HANDLE, qualifyingData, QUOTED);
  }
}
