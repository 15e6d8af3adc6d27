package dev.writ.core;

import java.util.Set;

/**
 * A writ that passed every check of {@link Verifier} in the scope it was verified in, including the
 * spend. Only the verifier can construct one, so code that acts on a writ and takes a {@code
 * VerifiedWrit} cannot be reached with an unverified writ.
 *
 * <p>What it guarantees: signatures by a threshold of trusted keys under the root of version {@link
 * #rootVersion()}, freshness at verification time, fleet state, and, in node scope, the node,
 * content, ticket and tier checks; and that this call spent the id. What it does not: that the writ
 * is still fresh later, or that the root has not been rotated since.
 *
 * <p>Immutable and thread-safe.
 */
public final class VerifiedWrit {
  private final WritPayload payload;
  private final byte[] payloadBytes;
  private final byte[] envelopeBytes;
  private volatile byte[] envelopeSha256;
  private final Set<KeyId> signers;
  private final long rootVersion;
  private final boolean nodeScope;

  VerifiedWrit(
      WritPayload payload,
      byte[] payloadBytes,
      byte[] envelopeBytes,
      Set<KeyId> signers,
      long rootVersion,
      boolean nodeScope) {
    this.payload = payload;
    this.payloadBytes = payloadBytes.clone();
    this.envelopeBytes = envelopeBytes; // the verifier's private copy
    this.signers = Set.copyOf(signers);
    this.rootVersion = rootVersion;
    this.nodeScope = nodeScope;
  }

  public WritPayload payload() {
    return payload;
  }

  public WritId id() {
    return payload.id();
  }

  /** The exact signed payload bytes. */
  public byte[] payloadBytes() {
    return payloadBytes.clone();
  }

  /** The exact envelope bytes. */
  public byte[] envelopeBytes() {
    return envelopeBytes.clone();
  }

  /** SHA-256 of {@link #envelopeBytes()}, computed on first use. */
  public byte[] envelopeSha256() {
    byte[] h = envelopeSha256;
    if (h == null) {
      h = ContentId.sha256(envelopeBytes);
      envelopeSha256 = h;
    }
    return h.clone();
  }

  /** Distinct classical keys whose signatures counted. */
  public Set<KeyId> signers() {
    return signers;
  }

  public long rootVersion() {
    return rootVersion;
  }

  /** Whether the node-scope checks (node identity, posture and content) ran. */
  public boolean nodeScope() {
    return nodeScope;
  }
}
