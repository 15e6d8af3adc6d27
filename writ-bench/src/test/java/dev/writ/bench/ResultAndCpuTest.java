package dev.writ.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.writ.core.json.JsonLimits;
import dev.writ.core.json.JsonReader;
import dev.writ.core.json.JsonValue;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class ResultAndCpuTest {
  private static LoadResult result(Map<String, Long> errors, long... latenciesUs) {
    Histogram h = new Histogram(60_000_000L, 3);
    for (long v : latenciesUs) {
      h.recordValue(v);
    }
    return new LoadResult(
        "peers=1",
        List.of(URI.create("https://127.0.0.1:1/")),
        4,
        ClientKind.SOCKET,
        latenciesUs.length,
        0,
        1_000_000_000L,
        new LoadResult.Measured(
            h,
            errors,
            1_700_000_000_000L,
            2_000_000_000L,
            500_000_000L,
            1_000_000_000L,
            Map.of("writ-http-N", 800_000_000L),
            false));
  }

  private static double num(JsonValue.JsonObject o, String key) {
    return switch (o.members().get(key)) {
      case JsonValue.JsonInteger i -> i.value();
      case JsonValue.JsonNumber n -> n.value();
      case null -> throw new AssertionError("no member " + key);
      default -> throw new AssertionError(key + " is not a number");
    };
  }

  @Test
  void throughput_isAcksOverTheMeasuredWindow() {
    // below 2048 us a 3-digit histogram holds values exactly
    LoadResult r = result(Map.of(), 100, 200, 300, 400);

    assertThat(r.throughput()).isEqualTo(2.0);
    assertThat(r.latencyMs(50)).isEqualTo(0.2);
    assertThat(r.maxMs()).isEqualTo(0.4);
  }

  @Test
  void toJson_holdsFiguresErrorsAndCpu() throws Exception {
    LoadResult r = result(Map.of("403 SPENT", 3L), 100, 200);

    JsonValue.JsonObject o =
        (JsonValue.JsonObject)
            new JsonReader(new JsonLimits(1 << 20, 8, 1 << 16, 256), JsonReader.Mode.ANY_NUMBER)
                .readCanonical(r.toJson());

    assertThat(num(o, "acks")).isEqualTo(2);
    assertThat(num(o, "error_count")).isEqualTo(3);
    assertThat(num((JsonValue.JsonObject) o.members().get("errors"), "403 SPENT")).isEqualTo(3);
    assertThat(num(o, "throughput")).isEqualTo(1.0);
    assertThat(num(o, "server_cpu_seconds")).isEqualTo(1.0);
    assertThat(num((JsonValue.JsonObject) o.members().get("latency_us"), "p99")).isEqualTo(200);
    assertThat(
            num(
                (JsonValue.JsonObject) o.members().get("server_cpu_seconds_by_thread"),
                "writ-http-N"))
        .isEqualTo(0.8);
    assertThat(num(o, "window_end_epoch_ms")).isEqualTo(1_700_000_002_000.0);
    assertThat(o.members()).containsKeys("latency_us", "signing_seconds", "window_seconds");
  }

  @Test
  void summary_namesThroughputPercentilesAndErrors() {
    String s = result(Map.of("503 OVERLOADED", 1L), 1000).summary();

    assertThat(s)
        .startsWith("authorize peers=1: urls=1 clients=4 client=socket")
        .contains("acks/s")
        .contains("p99 1.00")
        .contains("errors 1 {503 OVERLOADED=1}")
        .contains("server 1000.000");
    assertThat(s).doesNotContain("CUT SHORT");
  }

  @Test
  void parseStat_readsUtimePlusStimeAfterACommandNameWithSpacesAndParens() {
    // fields 14 and 15 are 250 and 50 ticks
    String stat = "4242 (java (x) y) S 1 2 3 4 5 6 7 8 9 10 250 50 0 0 20 0 30 0 100";

    assertThat(ProcessCpu.parseStat(stat)).isEqualTo(3_000_000_000L);
    assertThat(ProcessCpu.parseStat("garbage")).isEqualTo(-1);
    assertThat(ProcessCpu.parseStat("1 (x) S 1 2")).isEqualTo(-1);
    assertThat(ProcessCpu.threadName(stat)).isEqualTo("java (x) y");
    assertThat(ProcessCpu.threadName("7 (writ-http-123) S")).isEqualTo("writ-http-N");
  }

  @Test
  void run_usageError_exits64WithOneLineReason() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        AuthorizeLoad.run(
            new String[] {"--url", "https://127.0.0.1:1"},
            new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8),
            Clock.systemUTC());

    assertThat(code).isEqualTo(64);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .startsWith("authorize-load: --key is required\n");
  }
}
