package dev.writ.identity.tpm;

/**
 * The output of {@link MakeCredential}: the bytes the server sends to the node, and what it keeps
 * to check the answer. Immutable.
 */
public final class CredentialChallenge {
  private final byte[] credentialBlob;
  private final ExpectedActivation expected;

  CredentialChallenge(byte[] credentialBlob, ExpectedActivation expected) {
    this.credentialBlob = credentialBlob.clone();
    this.expected = expected;
  }

  /**
   * The file {@code tpm2_activatecredential -i} reads, as {@code tpm2_makecredential -o} writes it:
   * magic 0xBADCC0DE, version 1 (both 32-bit big endian), TPM2B_ID_OBJECT, then
   * TPM2B_ENCRYPTED_SECRET. Not secret: only the TPM holding the endorsement key can open it.
   */
  public byte[] credentialBlob() {
    return credentialBlob.clone();
  }

  /** What the server keeps; never sent. */
  public ExpectedActivation expected() {
    return expected;
  }
}
