package dev.writ.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class WorkResultTest {
  private static final String HEX = "ab".repeat(32);
  private static final WritId ID = WritId.random(new SecureRandom());
  private static final SpiffeId NODE = TestFleet.nodeId("web-1");
  private static final Instant T = Instant.ofEpochSecond(1_893_456_000L);

  private static WorkResult done() {
    return new WorkResult(
        Optional.of(ID),
        HEX,
        Optional.of(Capability.EXECUTE),
        NODE,
        Optional.empty(),
        T,
        Optional.of(new WorkResult.Execution(0, "EXITED", HEX, 12, HEX, 0, 7, Optional.of(1234L))));
  }

  private static Reason failure(String json) {
    try {
      WorkResult.parse(json.getBytes(StandardCharsets.UTF_8));
    } catch (WritDeniedException e) {
      return e.reason();
    }
    throw new AssertionError("parsed: " + json);
  }

  @Test
  void done_roundTripsThroughCanonicalBytes() throws Exception {
    byte[] bytes = done().toCanonicalBytes();

    assertThat(WorkResult.parse(bytes)).isEqualTo(done());
    assertThat(new String(bytes, StandardCharsets.UTF_8))
        .startsWith("{\"cap\":\"execute\",\"decision\":\"done\",\"envelope_sha256\":")
        .contains("\"exec\":{\"exit\":0,\"fuel\":1234,\"outcome\":\"EXITED\"")
        .endsWith("\"time\":1893456000,\"v\":1}");
  }

  @Test
  void refused_withoutIdOrCap_roundTrips() throws Exception {
    WorkResult r =
        new WorkResult(
            Optional.empty(),
            HEX,
            Optional.empty(),
            NODE,
            Optional.of(Reason.RECEIPT_INVALID),
            T,
            Optional.empty());

    assertThat(WorkResult.parse(r.toCanonicalBytes())).isEqualTo(r);
    assertThat(r.decision()).isEqualTo("refused");
  }

  @Test
  void construct_brokenRules_refused() {
    assertThatThrownBy(
            () ->
                new WorkResult(
                    Optional.of(ID),
                    HEX,
                    Optional.of(Capability.DEPLOY),
                    NODE,
                    Optional.of(Reason.SPENT),
                    T,
                    done().exec()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () ->
                new WorkResult(
                    Optional.empty(),
                    HEX,
                    Optional.empty(),
                    NODE,
                    Optional.empty(),
                    T,
                    Optional.empty()))
        .hasMessageContaining("a done result names the writ");
    assertThatThrownBy(
            () -> new WorkResult.Execution(0, "exited", HEX, 0, HEX, 0, 0, Optional.empty()))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void parse_badDocuments_refusedWithTheirCodes() {
    String good = new String(done().toCanonicalBytes(), StandardCharsets.UTF_8);

    assertThat(failure(good.replace("{\"cap\"", "{ \"cap\""))).isEqualTo(Reason.NON_CANONICAL);
    assertThat(failure(good.replace("\"v\":1", "\"v\":2"))).isEqualTo(Reason.UNSUPPORTED_VERSION);
    assertThat(failure(good.replace("\"time\"", "\"tim\""))).isEqualTo(Reason.UNKNOWN_FIELD);
    assertThat(failure(good.replace("\"decision\":\"done\"", "\"decision\":\"refused\"")))
        .isEqualTo(Reason.MALFORMED);
    assertThat(failure(good.replace("\"node\":\"spiffe://", "\"node\":\"http://")))
        .isEqualTo(Reason.MALFORMED);
    assertThat(failure(good.replace("\"outcome\":\"EXITED\"", "\"outcome\":\"exited\"")))
        .isEqualTo(Reason.MALFORMED);
    assertThat(failure(good.replace("\"exit\":0", "\"exit\":0,\"extra\":1")))
        .isIn(Reason.UNKNOWN_FIELD, Reason.NON_CANONICAL);
    assertThat(failure(" ".repeat(WorkResult.MAX_BYTES + 1))).isEqualTo(Reason.OVERSIZE);
    assertThat(failure("[]")).isEqualTo(Reason.MALFORMED);
  }
}
