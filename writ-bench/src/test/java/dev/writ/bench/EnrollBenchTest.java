package dev.writ.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class EnrollBenchTest {

  @Test
  void run_tinyBenchWithSwtpm_printsBothConfigurationsAndTheEvidenceCost() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
      EnrollBench.run(new EnrollConfig(1, 2, 1, 1, 0, true, Duration.ofMinutes(2)), out);
    }
    String text = bytes.toString(StandardCharsets.UTF_8);
    assertThat(text).contains("enroll-bench: in-process WritServer");
    assertThat(text)
        .contains("enroll-bench: degraded: median ")
        .contains("over 1 rounds of 2")
        .contains("enroll-bench: degraded: latency p50 ")
        .contains("over 2 enrollments");
    assertThat(text)
        .contains("enroll-bench: swtpm   : median ")
        .contains("over 1 rounds of 1")
        .contains("enroll-bench: swtpm   : latency p50 ")
        .contains("over 1 enrollments");
    assertThat(text).contains("swtpm evidence adds ").contains("tpm2-tools process");
    assertThat(text).doesNotContain("NOT MEASURED").doesNotContain("no round completed");
  }

  @Test
  void run_noTpm_measuresDegradedOnly() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
      EnrollBench.run(
          EnrollConfig.parse("--rounds", "1", "--enrollments", "1", "--warmup", "0", "--no-tpm"),
          out);
    }
    String text = bytes.toString(StandardCharsets.UTF_8);
    assertThat(text).contains("enroll-bench: degraded: median ").contains("over 1 enrollments");
    assertThat(text).doesNotContain("swtpm   :").doesNotContain("evidence adds");
  }

  @Test
  void parse_noOptions_givesTheDefaults() {
    assertThat(EnrollConfig.parse()).isEqualTo(EnrollConfig.DEFAULTS);
    assertThat(EnrollConfig.DEFAULTS.rounds() * EnrollConfig.DEFAULTS.enrollments()).isEqualTo(200);
    assertThat(EnrollConfig.DEFAULTS.rounds() * EnrollConfig.DEFAULTS.tpmEnrollments())
        .isEqualTo(20);
  }

  @Test
  void parse_everyOption_isApplied() {
    EnrollConfig c =
        EnrollConfig.parse(
            "--rounds",
            "3",
            "--enrollments",
            "7",
            "--tpm-enrollments",
            "2",
            "--warmup",
            "0",
            "--tpm-warmup",
            "1",
            "--max-seconds",
            "9",
            "--no-tpm");

    assertThat(c).isEqualTo(new EnrollConfig(3, 7, 2, 0, 1, false, Duration.ofSeconds(9)));
  }

  @Test
  void parse_unknownOption_refusedByName() {
    assertThatThrownBy(() -> EnrollConfig.parse("--handshakes", "x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("unknown option --handshakes");
  }

  @Test
  void parse_missingOrNonNumericValue_refused() {
    assertThatThrownBy(() -> EnrollConfig.parse("--rounds"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("option --rounds needs a value");
    assertThatThrownBy(() -> EnrollConfig.parse("--rounds", "many"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("--rounds takes an integer, not 'many'");
  }

  @Test
  void parse_outOfRange_refused() {
    assertThatThrownBy(() -> EnrollConfig.parse("--enrollments", "0"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least 1");
    assertThatThrownBy(() -> EnrollConfig.parse("--warmup", "-1"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least 0");
    assertThatThrownBy(() -> EnrollConfig.parse("--tpm-enrollments", "100001"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at most 100000");
    assertThatThrownBy(() -> EnrollConfig.parse("--max-seconds", "0"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--max-seconds");
  }

  @Test
  void percentiles_nearestRank() {
    double[] values = new double[200];
    for (int i = 0; i < values.length; i++) {
      values[values.length - 1 - i] = i + 1; // 200 down to 1: sorted internally
    }
    Percentiles p = new Percentiles(values);

    assertThat(p.percentile(50)).isEqualTo(100);
    assertThat(p.percentile(99)).isEqualTo(198);
    assertThat(p.percentile(100)).isEqualTo(200);
    assertThat(p.median()).isEqualTo(101);
    assertThat(p.min()).isEqualTo(1);
    assertThat(p.max()).isEqualTo(200);
    assertThat(new Percentiles(new double[] {5, 1, 3}).percentile(99)).isEqualTo(5);
    assertThat(new Percentiles(new double[] {5, 1, 3}).percentile(1)).isEqualTo(1);
  }

  @Test
  void percentiles_emptyNanOrBadRank_refused() {
    assertThatThrownBy(() -> new Percentiles(new double[0]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("no values");
    assertThatThrownBy(() -> new Percentiles(new double[] {1, Double.NaN}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("a value is NaN");
    Percentiles p = new Percentiles(new double[] {1});
    assertThatThrownBy(() -> p.percentile(0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> p.percentile(101)).isInstanceOf(IllegalArgumentException.class);
  }
}
