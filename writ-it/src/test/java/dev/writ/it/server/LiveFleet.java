package dev.writ.it.server;

import dev.writ.core.Capability;
import dev.writ.core.TestFleet;
import dev.writ.core.WritPayload;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The standard test fleet with a root and writs valid at the real time, since a server process
 * verifies with the system clock: the root expires in a day, each writ is valid from a minute ago
 * for ten minutes (the replicate TTL is fifteen). Writs are signed up front by ALICE, so client
 * threads only post.
 *
 * <p>Not thread-safe.
 */
final class LiveFleet {
  private static final Duration ROOT_LIFETIME = Duration.ofDays(1);
  private static final Duration BACKDATE = Duration.ofMinutes(1);
  private static final Duration WRIT_LIFETIME = Duration.ofMinutes(10);

  private final Clock clock;
  private final TestFleet fleet;

  LiveFleet(Clock clock) {
    this.clock = clock;
    this.fleet = TestFleet.builder().expires(clock.instant().plus(ROOT_LIFETIME)).build();
  }

  /** Writes the signed root envelope, the server's {@code --root}. */
  Path writeRoot(Path file) throws IOException {
    return Files.write(file, fleet.rootEnvelope());
  }

  /** {@code n} fresh replicate writs, each with its own random id. */
  List<SignedWrit> presign(int n) {
    Instant now = clock.instant();
    List<SignedWrit> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      WritPayload payload =
          fleet
              .writ(Capability.REPLICATE)
              .window(now.minus(BACKDATE), now.plus(WRIT_LIFETIME))
              .build();
      out.add(new SignedWrit(payload.id(), TestFleet.sign(payload, TestFleet.ALICE)));
    }
    return out;
  }
}
