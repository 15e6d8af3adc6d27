package dev.writ.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.writ.core.Tier;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ExecuteConfigTest {

  @Test
  void parse_noOptions_givesTheDefaults() {
    ExecuteConfig c = ExecuteConfig.parse();
    assertThat(c).isEqualTo(ExecuteConfig.DEFAULTS);
    assertThat(c.tiers()).containsExactly(Tier.WASM, Tier.PROCESS);
    assertThat(c.concurrency()).containsExactly(1, 10);
    assertThat(c.agents()).isEqualTo(11);
  }

  @Test
  void parse_everyOption_isApplied() {
    ExecuteConfig c =
        ExecuteConfig.parse(
            "--runs",
            "7",
            "--warmup",
            "0",
            "--tiers",
            "process",
            "--concurrency",
            "1,4,10",
            "--startup-runs",
            "9",
            "--startup-warmup",
            "3",
            "--tpm-signs",
            "2",
            "--max-seconds",
            "30");
    assertThat(c)
        .isEqualTo(
            new ExecuteConfig(
                7, 0, List.of(Tier.PROCESS), List.of(1, 4, 10), 9, 3, 2, Duration.ofSeconds(30)));
    assertThat(c.agents()).isEqualTo(15);
  }

  @Test
  void parse_repeatedOption_takesTheLastValue() {
    assertThat(ExecuteConfig.parse("--runs", "5", "--runs", "6").runs()).isEqualTo(6);
  }

  @Test
  void parse_tiersInTheGivenOrder() {
    assertThat(ExecuteConfig.parse("--tiers", "process,wasm").tiers())
        .containsExactly(Tier.PROCESS, Tier.WASM);
  }

  @Test
  void parse_unknownOption_isRefused() {
    assertThatThrownBy(() -> ExecuteConfig.parse("--quick"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("unknown option --quick");
  }

  @Test
  void parse_missingValue_isRefused() {
    assertThatThrownBy(() -> ExecuteConfig.parse("--runs"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("option --runs needs a value");
  }

  @Test
  void parse_nonNumericValue_isRefused() {
    assertThatThrownBy(() -> ExecuteConfig.parse("--warmup", "ten"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("--warmup takes an integer, not 'ten'");
  }

  @Test
  void parse_unknownOrUnimplementedTier_isRefused() {
    assertThatThrownBy(() -> ExecuteConfig.parse("--tiers", "wasm,docker"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("--tiers: unknown tier 'docker'");
    assertThatThrownBy(() -> ExecuteConfig.parse("--tiers", "gvisor"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("gvisor is not implemented");
  }

  @Test
  void parse_repeatedTier_isRefused() {
    assertThatThrownBy(() -> ExecuteConfig.parse("--tiers", "wasm,wasm"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("each tier at most once");
  }

  @Test
  void parse_emptyListItem_isRefused() {
    assertThatThrownBy(() -> ExecuteConfig.parse("--concurrency", "1,,10"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("--concurrency takes a comma-separated list, not '1,,10'");
    assertThatThrownBy(() -> ExecuteConfig.parse("--tiers", ""))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void parse_concurrencyNotAscendingOrOutOfRange_isRefused() {
    assertThatThrownBy(() -> ExecuteConfig.parse("--concurrency", "10,1"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("--concurrency values are ascending and distinct");
    assertThatThrownBy(() -> ExecuteConfig.parse("--concurrency", "1,1"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("--concurrency values are ascending and distinct");
    assertThatThrownBy(() -> ExecuteConfig.parse("--concurrency", "0"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("--concurrency values are from 1 to 32, not 0");
    assertThatThrownBy(() -> ExecuteConfig.parse("--concurrency", "33"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("--concurrency values are from 1 to 32, not 33");
  }

  @Test
  void parse_tooManyAgentsInAll_isRefused() {
    assertThatThrownBy(() -> ExecuteConfig.parse("--concurrency", "10,32"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("--concurrency values add up to more than 40 agents");
  }

  @Test
  void parse_countsOutOfRange_areRefused() {
    assertThatThrownBy(() -> ExecuteConfig.parse("--runs", "0"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--runs");
    assertThatThrownBy(() -> ExecuteConfig.parse("--warmup", "-1"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--warmup");
    assertThatThrownBy(() -> ExecuteConfig.parse("--startup-runs", "1000001"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("counts must be at most 1000000");
    assertThatThrownBy(() -> ExecuteConfig.parse("--max-seconds", "0"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("--max-seconds must be at least 1");
  }

  @Test
  void percentiles_nearestRank_asTheTableReportsThem() {
    double[] v = new double[200];
    for (int i = 0; i < v.length; i++) {
      v[i] = v.length - i; // 200 down to 1
    }
    Percentiles p = new Percentiles(v);
    assertThat(p.percentile(50)).isEqualTo(100);
    assertThat(p.percentile(99)).isEqualTo(198);
    assertThat(new Percentiles(new double[] {3, 1, 2}).percentile(99)).isEqualTo(3);
  }
}
