package dev.writ.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class ExecutionLimitsTest {

  private final ExecutionLimits d = ExecutionLimits.defaults();

  @Test
  void defaults_areTheNamedConstants() {
    assertThat(d.wallClock()).isEqualTo(Duration.ofSeconds(10));
    assertThat(d.memoryBytes()).isEqualTo(256L << 20);
    assertThat(d.memoryPages()).isEqualTo(4096);
    assertThat(d.fuel()).isEqualTo(500_000_000L);
    assertThat(d.maxOutputBytes()).isEqualTo(1L << 20);
    assertThat(d.maxProcesses()).isEqualTo(32);
    assertThat(d.maxFileBytes()).isEqualTo(64L << 20);
  }

  @Test
  void wallClock_zeroNegativeOrAboveAnHour_isRejected() {
    assertThatThrownBy(() -> d.withWallClock(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("wall clock must be positive and at most PT1H, got PT0S");
    assertThatThrownBy(() -> d.withWallClock(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> d.withWallClock(Duration.ofMinutes(61)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(d.withWallClock(Duration.ofHours(1)).wallClock()).isEqualTo(Duration.ofHours(1));
  }

  @Test
  void memory_outsideOnePageToFourGiB_isRejected() {
    assertThatThrownBy(() -> d.withMemoryBytes(65_535))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("memory must be between 65536 and 4294967296 bytes, got 65535");
    assertThatThrownBy(() -> d.withMemoryBytes((4L << 30) + 1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(d.withMemoryBytes(4L << 30).memoryPages()).isEqualTo(65_536);
  }

  @Test
  void fuel_outsideOneToTenToTheTwelve_isRejected() {
    assertThatThrownBy(() -> d.withFuel(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("fuel must be between 1 and 1000000000000 instructions, got 0");
    assertThatThrownBy(() -> d.withFuel(ExecutionLimits.MAX_FUEL + 1))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void outputProcessesAndFileSize_outOfRange_areRejected() {
    assertThatThrownBy(() -> d.withMaxOutputBytes(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("output cap must be between 0 and 67108864 bytes, got -1");
    assertThatThrownBy(() -> d.withMaxOutputBytes((64L << 20) + 1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> d.withMaxProcesses(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("process count must be between 1 and 4096, got 0");
    assertThatThrownBy(() -> d.withMaxProcesses(4097)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> d.withMaxFileBytes(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("largest file must not be negative, got -1");
  }

  @Test
  void request_badSeedStdinOrArgs_areRejected() {
    ExecutionRequest.Builder b = ExecutionRequest.builder(Path.of("c"), Path.of("w"));

    assertThatThrownBy(() -> b.seed(new byte[31]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("seed must be 32 bytes, got 31");
    assertThatThrownBy(() -> b.stdin(new byte[ExecutionRequest.MAX_STDIN_BYTES + 1]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("stdin is 16777217 bytes, above the 16777216-byte limit");
    assertThatThrownBy(() -> b.args(List.of("a\0b")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("an argument contains a NUL character");
    assertThatThrownBy(() -> b.args(Collections.nCopies(1025, "a")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("at most 1024 arguments, got 1025");
    assertThatThrownBy(() -> b.args(List.of("x".repeat(200_000))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("arguments are 200001 bytes, above the 131072-byte limit");
  }

  @Test
  void request_copiesItsByteArraysInAndOut() {
    byte[] stdin = {1, 2, 3};
    byte[] seed = new byte[32];
    ExecutionRequest r =
        ExecutionRequest.builder(Path.of("c"), Path.of("w")).stdin(stdin).seed(seed).build();
    stdin[0] = 9;
    seed[0] = 9;
    r.stdin()[1] = 9;

    assertThat(r.stdin()).containsExactly(1, 2, 3);
    assertThat(r.seed()).containsOnly(0);
    assertThat(r.preopenWorkDir()).isFalse();
  }

  @Test
  void uidRange_belowTheReservedIdsOrEmpty_isRejected() {
    assertThatThrownBy(() -> new UidRange(0, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("first uid must be at least 100000, got 0");
    assertThatThrownBy(() -> new UidRange(100_000, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("uid count must be between 1 and 65536, got 0");
    assertThatThrownBy(() -> new UidRange(Integer.MAX_VALUE - 1, 2))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void uidPool_handsOutEachUidOnceUntilReleased() {
    UidPool pool = new UidPool(new UidRange(200_000, 2));

    assertThat(pool.acquire()).hasValue(200_000);
    assertThat(pool.acquire()).hasValue(200_001);
    assertThat(pool.acquire()).isEmpty();
    pool.release(200_000);
    assertThat(pool.acquire()).hasValue(200_000);
  }
}
