package dev.writ.server;

import dev.writ.core.SpiffeId;
import dev.writ.core.WritId;
import dev.writ.identity.tpm.ExpectedActivation;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Attestation challenges this server process issued (docs/spec/enrollment.md section 3.2): a
 * 32-byte nonce bound to a writ id (or, for renewal, a node) and what the challenge step learned,
 * valid for {@link #TTL} and usable once. Kept in memory only: an agent completes at the server
 * that challenged it, and a restart simply makes outstanding challenges stale.
 *
 * <p>Thread-safe: every method synchronizes on this instance.
 */
final class Challenges {
  /** How long a challenge may be answered. */
  static final Duration TTL = Duration.ofSeconds(60);

  /** Outstanding challenges at once; beyond it the oldest is dropped. */
  static final int MAX_OUTSTANDING = 1024;

  /**
   * One issued challenge: the nonce, the writ (empty for a renewal) and node it is for, the
   * evidence kind, and for a TPM what the credential was made for.
   */
  @SuppressWarnings("ArrayRecordComponent") // the nonce is drawn here and only compared
  record Issued(
      byte[] nonce,
      Optional<WritId> writ,
      SpiffeId node,
      String kind,
      Optional<ExpectedActivation> expectedActivation,
      Instant expires) {}

  private final Map<String, Issued> byNonce = new LinkedHashMap<>();
  private final InstantSource clock;
  private final SecureRandom random;

  Challenges(InstantSource clock, SecureRandom random) {
    this.clock = clock;
    this.random = random;
  }

  /** The randomness challenges and ids are drawn from. */
  SecureRandom random() {
    return random;
  }

  /** A fresh 32-byte nonce. */
  byte[] newNonce() {
    byte[] n = new byte[32];
    random.nextBytes(n);
    return n;
  }

  /** Records an issued challenge; returns its expiry. */
  synchronized Instant put(
      byte[] nonce,
      Optional<WritId> writ,
      SpiffeId node,
      String kind,
      Optional<ExpectedActivation> expectedActivation) {
    dropExpired();
    while (byNonce.size() >= MAX_OUTSTANDING) {
      byNonce.remove(byNonce.keySet().iterator().next());
    }
    Instant expires = clock.instant().plus(TTL);
    byNonce.put(
        HexFormat.of().formatHex(nonce),
        new Issued(nonce, writ, node, kind, expectedActivation, expires));
    return expires;
  }

  /**
   * Takes (removes) the challenge with this nonce if it is unexpired; a challenge is used up by any
   * attempt, successful or not.
   */
  synchronized Optional<Issued> take(byte[] nonce) {
    Issued issued = byNonce.remove(HexFormat.of().formatHex(nonce));
    if (issued == null || !clock.instant().isBefore(issued.expires())) {
      return Optional.empty();
    }
    return Optional.of(issued);
  }

  synchronized int size() {
    dropExpired();
    return byNonce.size();
  }

  private void dropExpired() {
    Instant now = clock.instant();
    byNonce.values().removeIf(i -> !now.isBefore(i.expires()));
  }
}
