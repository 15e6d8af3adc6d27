package dev.writ.core;

import java.time.Instant;
import java.util.HashSet;
import java.util.Set;

/**
 * A trust root whose signatures have been checked: either pinned (self-signed by a threshold of its
 * own root keys) or reached by rotation from a pinned root (signed by a threshold of the old root
 * keys and of its own, with a higher version). Only this class makes instances, so holding a {@code
 * TrustRoot} means the chain was checked.
 *
 * <p>Immutable and thread-safe.
 */
public final class TrustRoot {
  private final RootContents contents;
  private final byte[] envelopeBytes;

  private TrustRoot(RootContents contents, byte[] envelopeBytes) {
    this.contents = contents;
    this.envelopeBytes = envelopeBytes.clone();
  }

  /**
   * Accepts a root an operator chose to pin (first use). It must be signed by a threshold of its
   * own root keys; expiry is checked at every verification, not here.
   */
  public static TrustRoot pin(byte[] envelopeBytes) throws WritDeniedException {
    Envelope env = parseRootEnvelope(envelopeBytes);
    RootContents contents = RootContents.parse(env.payload());
    checkRootSignatures(env, contents, Set.of());
    return new TrustRoot(contents, envelopeBytes);
  }

  /**
   * Accepts {@code next} as this root's successor.
   *
   * @throws WritDeniedException {@code ROOT_ROLLBACK} if the version does not rise, {@code
   *     ROOT_EXPIRED} if the new root has expired at {@code now}, {@code THRESHOLD_NOT_MET} if
   *     either the old or the new root-key threshold is not met, {@code BAD_SIGNATURE} or {@code
   *     UNKNOWN_KEY} for a signature that does not verify or whose key neither root lists
   */
  public TrustRoot rotate(byte[] next, Instant now) throws WritDeniedException {
    Envelope env = parseRootEnvelope(next);
    RootContents candidate = RootContents.parse(env.payload());
    if (candidate.version() <= contents.version()) {
      throw new WritDeniedException(
          Reason.ROOT_ROLLBACK,
          "new root version " + candidate.version() + " is not above " + contents.version());
    }
    if (!now.isBefore(candidate.expires())) {
      throw new WritDeniedException(
          Reason.ROOT_EXPIRED, "new root expired at " + candidate.expires());
    }
    checkRootSignatures(env, contents, candidate.keys().keySet());
    checkRootSignatures(env, candidate, contents.keys().keySet());
    return new TrustRoot(candidate, next);
  }

  public RootContents contents() {
    return contents;
  }

  /** The exact envelope bytes this root was accepted from. */
  public byte[] envelopeBytes() {
    return envelopeBytes.clone();
  }

  private static Envelope parseRootEnvelope(byte[] bytes) throws WritDeniedException {
    Envelope env = Envelope.parse(bytes, Limits.ROOT_ENVELOPE_JSON);
    if (!env.payloadType().equals(Envelope.ROOT_PAYLOAD_TYPE)) {
      throw new WritDeniedException(
          Reason.MALFORMED, "payloadType is not " + Envelope.ROOT_PAYLOAD_TYPE);
    }
    return env;
  }

  /**
   * Requires a threshold of {@code signer}'s root keys among the valid signatures. Signatures by
   * keys {@code signer} does not list are tolerated only if {@code otherKeys} lists them (the other
   * root of a rotation, checked in the other call).
   */
  private static void checkRootSignatures(Envelope env, RootContents signer, Set<KeyId> otherKeys)
      throws WritDeniedException {
    byte[] pae = env.pae();
    Set<KeyId> valid = new HashSet<>();
    for (Envelope.Signature s : env.signatures()) {
      RootContents.TrustedKey key = signer.keys().get(s.keyId());
      if (key == null) {
        if (!otherKeys.contains(s.keyId())) {
          throw new WritDeniedException(
              Reason.UNKNOWN_KEY, "root signed by unlisted key " + s.keyId().shortForm());
        }
        continue;
      }
      if (!key.verifier().verify(pae, s.sig())) {
        throw new WritDeniedException(
            Reason.BAD_SIGNATURE, "root signature by " + s.keyId().shortForm() + " is invalid");
      }
      valid.add(s.keyId());
    }
    RootContents.RoleKeys rootRole = signer.role(Role.ROOT);
    valid.retainAll(rootRole.keys());
    if (valid.size() < rootRole.threshold()) {
      throw new WritDeniedException(
          Reason.THRESHOLD_NOT_MET,
          "root version "
              + signer.version()
              + " needs "
              + rootRole.threshold()
              + " root-key signatures, has "
              + valid.size());
    }
  }
}
