package dev.writ.identity.tdx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TdxCollectorTest {
  @TempDir Path tmp;

  @Test
  void collect_noConfigfsTsm_failsSayingNotATdxGuest() {
    TdxCollector collector = new TdxCollector(tmp.resolve("missing"), new SplittableRandom(1));

    assertThatThrownBy(() -> collector.collect(new byte[64]))
        .isInstanceOf(IOException.class)
        .hasMessageStartingWith("TDX evidence unavailable: ")
        .hasMessageContaining("not a TDX guest");
  }

  @Test
  void collect_entryWithoutProvider_failsSayingNotATdxGuestAndRemovesTheEntry() throws IOException {
    TdxCollector collector = new TdxCollector(tmp, new SplittableRandom(1));

    assertThatThrownBy(() -> collector.collect(new byte[64]))
        .isInstanceOf(IOException.class)
        .hasMessageStartingWith("TDX evidence unavailable: ")
        .hasMessageContaining("provider")
        .hasMessageContaining("not a TDX guest");
    try (Stream<Path> left = Files.list(tmp)) {
      assertThat(left).isEmpty();
    }
  }

  @Test
  void collect_reportDataNot64Bytes_isACallerBug() {
    TdxCollector collector = new TdxCollector(tmp, new SplittableRandom(1));

    assertThatThrownBy(() -> collector.collect(new byte[32]))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void system_readsTheKernelsConfigfsTsm() {
    assertThat(TdxCollector.SYSTEM_REPORT_ROOT).hasToString("/sys/kernel/config/tsm/report");
    assertThat(TdxCollector.system()).isNotNull();
  }
}
