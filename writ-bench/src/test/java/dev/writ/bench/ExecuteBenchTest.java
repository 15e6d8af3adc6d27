package dev.writ.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ExecuteBenchTest {

  @Test
  void run_tinyBench_printsStartupLatencyRowsGoalsAndTpmSigning() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
      ExecuteBench.run(
          ExecuteConfig.parse(
              "--runs",
              "2",
              "--warmup",
              "1",
              "--concurrency",
              "1,2",
              "--startup-runs",
              "5",
              "--startup-warmup",
              "2",
              "--tpm-signs",
              "2",
              "--max-seconds",
              "240"),
          out);
    }
    String text = bytes.toString(StandardCharsets.UTF_8);
    assertThat(text).contains("wasm start-up of hello.wasm").contains("first instruction");
    assertThat(text).contains("3 agents enrolled (attested-software)");
    assertThat(text).containsPattern("execute-bench: wasm +1 +2 +2 ");
    assertThat(text).containsPattern("execute-bench: wasm +2 +2 +4 ");
    // the process tier runs when this test runs as root, and says why not otherwise
    assertThat(text).containsPattern("execute-bench: process +1 +(2 +2 |unavailable: needs root)");
    assertThat(text).containsPattern("execute-bench: process +2 not measured: ");
    assertThat(text).contains("goal wasm writ-to-result p50 < 50 ms on a warm agent");
    assertThat(text).contains("goal process writ-to-result p50 < 100 ms on a warm agent");
    assertThat(text).contains("result signature (ResultSignature.sign");
    assertThat(text).contains("alone: GET /v1/content").contains("folder fsynced: p50");
    assertThat(text).contains("alone: act step of wasm rebuilt, 2: store ");
  }
}
