package dev.writ.it.work;

import static org.assertj.core.api.Assertions.assertThat;

import dev.writ.identity.svid.TrustDomain;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The harness itself, without agents: the relay passes for the server with the real CA's key,
 * relays the server's public reads byte for byte, and serves on its stream exactly the events the
 * test delivers; the real stream, read as a host, carries the work event of an authorized writ. So
 * the relay cases fail only for what the agent does.
 */
@ExtendWith(SharedFleet.class)
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class HostileRelayHarnessTest {
  private static WorkFleet fleet;

  @BeforeAll
  static void fleet(WorkFleet f) {
    fleet = f;
  }

  @Test
  void relay_passesTheServersTlsCheck_relaysReads_andServesOnlyDeliveredEvents() throws Exception {
    fleet.stopAgent(fleet.web1);
    byte[] program = WasmModules.helloTagged("harness-" + System.nanoTime());
    String content = fleet.put(program);
    String id = fleet.authorize("execute", content, fleet.web1.glob(), Optional.of("wasm"));
    String event;
    try (NodeClient real =
        new NodeClient(fleet.base, fleet.bundle, fleet.credentials(fleet.web1))) {
      event = real.captureWork(id, Duration.ofSeconds(30));
    }
    assertThat(WorkEvents.id(event)).isEqualTo(id);
    assertThat(WorkEvents.checkpoint(event)).startsWith("writ.local/log\n");
    assertThat(WorkEvents.forgeInclusion(event)).isNotEqualTo(event).hasSameSizeAs(event);

    try (HostileRelay relay =
            HostileRelay.start(
                fleet.dir.resolve("server/ca"), new TrustDomain(WorkFleet.TD), fleet.operator);
        OperatorClient viaRelay = new OperatorClient(relay.base(), fleet.bundle)) {
      // an operator's client, checking the bundle and spiffe://fleet.test/writ/server, accepts it
      Reply bytes = viaRelay.get("/v1/content/" + content);
      assertThat(bytes.status()).isEqualTo(200);
      assertThat(bytes.body()).isEqualTo(program);
      assertThat(viaRelay.get("/checkpoint").text())
          .isEqualTo(fleet.operator.get("/checkpoint").text());

      relay.deliver(event);
      try (NodeClient agentSide =
          new NodeClient(relay.base(), fleet.bundle, fleet.credentials(fleet.web1))) {
        assertThat(agentSide.captureWork(id, Duration.ofSeconds(10))).isEqualTo(event);
      }
    }
  }
}
