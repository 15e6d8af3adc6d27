package dev.writ.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.writ.core.Capability;
import dev.writ.core.ContentId;
import dev.writ.core.SpiffeId;
import dev.writ.core.Tier;
import dev.writ.core.WritId;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class WorkRegistryTest {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final SpiffeId WEB1 = new SpiffeId("fleet.example", "/node/web-1");
  private static final SpiffeId WEB2 = new SpiffeId("fleet.example", "/node/web-2");
  private static final ContentId CONTENT =
      ContentId.of("hello".getBytes(StandardCharsets.US_ASCII));
  private static final byte[] ENVELOPE = "{}".getBytes(StandardCharsets.US_ASCII);

  private final WorkRegistry registry = new WorkRegistry();

  private static WorkRequest request(Capability cap, String rollout, SpiffeId... targets) {
    return new WorkRequest(
        WritId.random(RANDOM),
        cap,
        List.of(targets),
        CONTENT,
        cap == Capability.EXECUTE ? Optional.of(Tier.WASM) : Optional.empty(),
        Optional.of(rollout),
        1_000);
  }

  @Test
  void request_rules_refusedAtConstruction() {
    assertThatThrownBy(() -> request(Capability.QUARANTINE, "r", WEB1))
        .hasMessageContaining("deploy or execute");
    assertThatThrownBy(() -> request(Capability.DEPLOY, "r")).hasMessageContaining("1 to 64");
    assertThatThrownBy(
            () ->
                new WorkRequest(
                    WritId.random(RANDOM),
                    Capability.DEPLOY,
                    List.of(WEB1),
                    CONTENT,
                    Optional.of(Tier.WASM),
                    Optional.empty(),
                    1))
        .hasMessageContaining("only execute");
    // the list is the sorted set: duplicates collapse, order does not matter
    WorkRequest r = request(Capability.DEPLOY, "r", WEB2, WEB1, WEB2);
    assertThat(r.targets()).containsExactly(WEB1, WEB2);
  }

  @Test
  void authorize_openRequest_makesOnePendingItemPerTarget() {
    WorkRequest r = request(Capability.EXECUTE, "r1", WEB1, WEB2);
    assertThat(registry.open(r)).isEmpty();

    assertThat(registry.authorize(r.id(), ENVELOPE, 7, 100)).isEmpty();

    assertThat(registry.request(r.id())).isEmpty();
    assertThat(registry.pendingFor(WEB1))
        .singleElement()
        .satisfies(
            w -> {
              assertThat(w.request()).isEqualTo(r);
              assertThat(w.leafIndex()).isEqualTo(7);
              assertThat(w.envelopeBytes()).isEqualTo(ENVELOPE);
            });
    assertThat(registry.pendingFor(WEB2)).hasSize(1);
  }

  @Test
  void authorize_unknownOrLapsedRequest_refusedNotOpen() {
    WorkRequest r = request(Capability.DEPLOY, "r1", WEB1);
    assertThat(registry.authorize(r.id(), ENVELOPE, 0, 1)).contains("not_open");
    registry.open(r);
    registry.advanceTo(1_000); // expires at 1000

    assertThat(registry.authorize(r.id(), ENVELOPE, 0, 1_000)).contains("not_open");
    assertThat(registry.workCount()).isZero();
  }

  @Test
  void open_twiceOrAfterAuthorization_refused() {
    WorkRequest r = request(Capability.DEPLOY, "r1", WEB1);
    registry.open(r);
    assertThat(registry.open(r)).contains("already_open");
    registry.authorize(r.id(), ENVELOPE, 0, 1);

    assertThat(registry.open(r)).contains("already_open");
  }

  @Test
  void answer_onceByEachTarget_thenRefused() {
    WorkRequest r = request(Capability.EXECUTE, "r1", WEB1, WEB2);
    registry.open(r);
    registry.authorize(r.id(), ENVELOPE, 3, 1);

    assertThat(registry.answer(r.id(), WEB1, true, 10)).isEmpty();
    assertThat(registry.answer(r.id(), WEB1, false, 11)).contains("already_answered");
    assertThat(registry.answer(r.id(), new SpiffeId("fleet.example", "/node/web-3"), true, 12))
        .contains("not_a_target");
    assertThat(registry.answer(WritId.random(RANDOM), WEB1, true, 13)).contains("unknown_work");
    assertThat(registry.answer(r.id(), WEB2, false, 14)).isEmpty();

    WorkRegistry.Work w = registry.work(r.id()).orElseThrow();
    assertThat(w.items().get(WEB1))
        .isEqualTo(new WorkRegistry.Item(WorkRegistry.ItemState.DONE, Optional.of(10L)));
    assertThat(w.items().get(WEB2).state()).isEqualTo(WorkRegistry.ItemState.REFUSED);
    assertThat(w.answered()).isTrue();
    assertThat(registry.pendingFor(WEB1)).isEmpty();
  }

  @Test
  void pendingForAndRollout_oldestAuthorizationFirst() {
    List<WritId> ids = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      WorkRequest r = request(Capability.DEPLOY, i % 2 == 0 ? "even" : "odd", WEB1);
      registry.open(r);
      ids.add(r.id());
    }
    // authorized in reverse order of opening: leaf indexes give the order
    for (int i = 4; i >= 0; i--) {
      registry.authorize(ids.get(i), ENVELOPE, 4 - i, 1);
    }

    assertThat(registry.pendingFor(WEB1).stream().map(w -> w.request().id()))
        .containsExactly(ids.get(4), ids.get(3), ids.get(2), ids.get(1), ids.get(0));
    assertThat(registry.rollout("even").stream().map(w -> w.request().id()))
        .containsExactly(ids.get(4), ids.get(2), ids.get(0));
    assertThat(registry.rollout("none")).isEmpty();
  }
}
