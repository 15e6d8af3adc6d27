package dev.writ.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.writ.core.SpiffeId;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class ChallengesTest {
  private static final SpiffeId NODE = new SpiffeId("fleet.example", "/node/n1");
  private final AtomicReference<Instant> now =
      new AtomicReference<>(Instant.parse("2030-01-01T00:00:00Z"));
  private final Challenges challenges = new Challenges(() -> now.get(), new SecureRandom());

  private byte[] issue() {
    byte[] n = challenges.newNonce();
    challenges.put(n, Optional.empty(), NODE, "none", Optional.empty());
    return n;
  }

  @Test
  void take_isSingleUse() {
    byte[] n = issue();
    assertThat(challenges.take(n)).isPresent();
    assertThat(challenges.take(n)).isEmpty();
  }

  @Test
  void take_atOrAfterExpiry_isStale() {
    byte[] n = issue();
    now.set(now.get().plus(Challenges.TTL));
    assertThat(challenges.take(n)).isEmpty();
  }

  @Test
  void take_unknownNonce_isEmpty() {
    issue();
    assertThat(challenges.take(new byte[32])).isEmpty();
  }

  @Test
  void put_beyondLimit_dropsOldest() {
    byte[] first = issue();
    for (int i = 0; i < Challenges.MAX_OUTSTANDING; i++) {
      issue();
    }
    assertThat(challenges.size()).isEqualTo(Challenges.MAX_OUTSTANDING);
    assertThat(challenges.take(first)).isEmpty();
  }
}
