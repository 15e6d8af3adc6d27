package dev.writ.state;

import dev.writ.core.Capability;
import dev.writ.core.SpendLedger;
import dev.writ.core.WritId;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;

final class Fixtures {
  static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");
  static final InstantSource CLOCK = InstantSource.fixed(NOW);
  static final Duration TIMEOUT = Duration.ofSeconds(60);

  private Fixtures() {}

  static WritId id(int n) {
    return new WritId(String.format("%032x", n));
  }

  static SpendLedger.SpendRequest request(WritId id) {
    return new SpendLedger.SpendRequest(
        id, Capability.DEPLOY, new byte[32], NOW.plus(Duration.ofMinutes(10)));
  }
}
