package dev.writ.core;

import dev.writ.core.json.JsonLimits;

/**
 * Named input limits (docs/spec/writ.md section "Limits"). The numbers come from the largest
 * legitimate input plus headroom, so a reader refuses anything bigger before doing work.
 */
public final class Limits {
  private Limits() {}

  /**
   * An envelope: 16 signatures of the largest kind (ML-DSA-65, 3309 bytes, 4412 in base64) with
   * their key ids is about 72 KiB; 128 KiB leaves room for the payload.
   */
  public static final int MAX_ENVELOPE_BYTES = 128 * 1024;

  /** Signatures in one envelope: thresholds beyond 8 classical + 8 post-quantum are not used. */
  public static final int MAX_SIGNATURES = 16;

  /** A writ payload: its fields need well under 4 KiB (SPIFFE IDs are at most 2048 bytes). */
  public static final int MAX_PAYLOAD_BYTES = 8 * 1024;

  /** A trust root: 64 keys of the largest kind (ML-DSA-65, 1952-byte keys) fit in 256 KiB. */
  public static final int MAX_ROOT_BYTES = 256 * 1024;

  /** Keys in a trust root. */
  public static final int MAX_ROOT_KEYS = 64;

  /** Envelope JSON: object, signatures array, signature object. */
  public static final JsonLimits ENVELOPE_JSON =
      new JsonLimits(MAX_ENVELOPE_BYTES, 3, MAX_ENVELOPE_BYTES, MAX_SIGNATURES);

  /** A root envelope: the root payload in base64 plus up to 16 signatures. */
  public static final JsonLimits ROOT_ENVELOPE_JSON =
      new JsonLimits(2 * MAX_ROOT_BYTES, 3, 2 * MAX_ROOT_BYTES, MAX_SIGNATURES);

  /** Payload JSON: object, targets object; nothing deeper is defined. */
  public static final JsonLimits PAYLOAD_JSON =
      new JsonLimits(MAX_PAYLOAD_BYTES, 2, SpiffeId.MAX_LENGTH, 16);

  /**
   * Root JSON: root; keys/roles/policy; a key, a role, {@code max_ttl} or {@code attestation}; a
   * role's keys or an attestation list.
   */
  public static final JsonLimits ROOT_JSON = new JsonLimits(MAX_ROOT_BYTES, 4, 4096, MAX_ROOT_KEYS);

  /**
   * Content bytes in a content store and in one {@code PUT /v1/content/...} (docs/spec/content.md
   * section 4): 64 MiB holds a statically linked service binary or a WebAssembly module with room
   * to spare, and is small enough that the server and agents hash a whole item in memory before
   * serving or installing it. Larger artifacts are split or replicated as fragments.
   */
  public static final int MAX_CONTENT_BYTES = 64 * 1024 * 1024;

  /** Largest accepted clock-skew allowance in a root's policy, in seconds. */
  public static final long MAX_CLOCK_SKEW_SECONDS = 300;
}
