package dev.writ.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.writ.core.SpiffeId;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ExecuteTimelinesTest {
  private static final String ID = "0123456789abcdef0123456789abcdef";
  private static final SpiffeId A = new SpiffeId(BenchFleet.TRUST_DOMAIN, "/node/a");
  private static final SpiffeId B = new SpiffeId(BenchFleet.TRUST_DOMAIN, "/node/b");

  @Test
  void line_theAgentsSteps_areStampedPerNode() throws Exception {
    ExecuteTimelines t = new ExecuteTimelines();
    t.expect(ID, List.of(A, B));
    t.line(A, 10, "acting on " + ID + " (execute, wasm)");
    t.line(A, 20, "ran " + ID + ": EXITED exit 0, stdout sha256:ab (12 bytes), 3 ms");
    t.line(A, 30, "result " + ID + " done recorded, leaf 17");
    assertThat(t.await(ID, Duration.ZERO)).isFalse();
    t.line(B, 40, "result " + ID + " done recorded, leaf 18");

    assertThat(t.await(ID, Duration.ZERO)).isTrue();
    ExecuteTimelines.Marks a = t.of(ID, A);
    assertThat(a.acting).isEqualTo(10);
    assertThat(a.ran).isEqualTo(20);
    assertThat(a.wallMs).isEqualTo(3);
    assertThat(a.recorded).isEqualTo(30);
    assertThat(a.failure).isEmpty();
    assertThat(t.of(ID, B).acting).isZero();
    assertThat(t.drainOther()).isEmpty();
  }

  @Test
  void line_refusalOrFailedRun_isKeptAsTheFailure() {
    ExecuteTimelines t = new ExecuteTimelines();
    t.expect(ID, List.of(A, B));
    t.line(A, 1, "refused " + ID + " TIER_UNAVAILABLE: process: needs root");
    t.line(A, 2, "result " + ID + " refused TIER_UNAVAILABLE recorded, leaf 5");
    t.line(B, 3, "ran " + ID + ": KILLED exit -1, stdout sha256:ab (0 bytes), 9 ms");
    assertThat(t.of(ID, A).failure).isEqualTo("refused TIER_UNAVAILABLE: process: needs root");
    assertThat(t.of(ID, B).failure).startsWith("ran: ");
  }

  @Test
  void line_otherLines_areDrainedOnce() {
    ExecuteTimelines t = new ExecuteTimelines();
    t.line(A, 1, "agent spiffe://x/node/a (attested-software) streaming from https://h");
    t.line(A, 2, "stream ended: closed");
    t.line(B, 3, "acting on " + ID + " (execute, wasm)"); // not expected: ignored
    assertThat(t.drainOther()).containsExactly(A + ": stream ended: closed");
    assertThat(t.drainOther()).isEmpty();
  }

  @Test
  void await_unexpectedWrit_isABug() {
    assertThatThrownBy(() -> new ExecuteTimelines().await(ID, Duration.ZERO))
        .isInstanceOf(IllegalStateException.class);
  }
}
