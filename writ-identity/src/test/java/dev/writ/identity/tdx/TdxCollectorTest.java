package dev.writ.identity.tdx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
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
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("REPORTDATA is 64 bytes, got 32");
  }

  @Test
  void exchange_tdxGuestEntry_writesInblobAndReturnsOutblob() throws IOException {
    Path entry = entry("tdx_guest\n", "1\n", new byte[] {4, 5, 6});
    byte[] reportData = new byte[64];
    reportData[63] = 7;

    byte[] quote = TdxCollector.exchange(entry, reportData);

    assertThat(Files.readAllBytes(entry.resolve("inblob"))).isEqualTo(reportData);
    assertThat(quote).containsExactly(4, 5, 6);
  }

  @Test
  void exchange_otherProvider_failsSayingNotATdxGuest() throws IOException {
    Path entry = entry("sev_guest\n", "1\n", new byte[] {4});

    assertThatThrownBy(() -> TdxCollector.exchange(entry, new byte[64]))
        .isInstanceOf(IOException.class)
        .hasMessageStartingWith("TDX evidence unavailable: ")
        .hasMessageContaining("provider is sev_guest, not tdx_guest")
        .hasMessageContaining("not a TDX guest");
    assertThat(Files.readAllBytes(entry.resolve("inblob"))).isEmpty();
  }

  @Test
  void exchange_generationMoved_failsSayingAnotherWriter() throws IOException {
    Path entry = entry("tdx_guest\n", "3\n", new byte[] {4});

    assertThatThrownBy(() -> TdxCollector.exchange(entry, new byte[64]))
        .isInstanceOf(IOException.class)
        .hasMessageStartingWith("TDX evidence unavailable: ")
        .hasMessageContaining("written by another process")
        .hasMessageContaining("generation 3, expected 1");
  }

  @Test
  void exchange_quotePastTheLimit_failsNamingTheLimit() throws IOException {
    Path entry = entry("tdx_guest\n", "1\n", new byte[TdxLimits.MAX_QUOTE_BYTES + 1]);

    assertThatThrownBy(() -> TdxCollector.exchange(entry, new byte[64]))
        .isInstanceOf(IOException.class)
        .hasMessageStartingWith("TDX evidence unavailable: ")
        .hasMessageContaining("outblob is larger than " + TdxLimits.MAX_QUOTE_BYTES + " bytes");
  }

  @Test
  void exchange_quoteAtTheLimit_isReturned() throws IOException {
    Path entry = entry("tdx_guest\n", "1\n", new byte[TdxLimits.MAX_QUOTE_BYTES]);

    assertThat(TdxCollector.exchange(entry, new byte[64])).hasSize(TdxLimits.MAX_QUOTE_BYTES);
  }

  @Test
  void exchange_reportDataNot64Bytes_isACallerBug() throws IOException {
    Path entry = entry("tdx_guest\n", "1\n", new byte[] {4});

    assertThatThrownBy(() -> TdxCollector.exchange(entry, new byte[63]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("REPORTDATA is 64 bytes, got 63");
    assertThat(Files.readAllBytes(entry.resolve("inblob"))).isEmpty();
  }

  @Test
  void system_readsTheKernelsConfigfsTsm() {
    assertThat(TdxCollector.SYSTEM_REPORT_ROOT).hasToString("/sys/kernel/config/tsm/report");
    assertThat(TdxCollector.system()).isNotNull();
  }

  /**
   * A directory laid out like a configfs-tsm report entry (the tdx-guest driver has no auxblob).
   */
  private Path entry(String provider, String generation, byte[] outblob) throws IOException {
    Path entry = Files.createDirectories(tmp.resolve("entry"));
    Files.writeString(entry.resolve("provider"), provider, StandardCharsets.US_ASCII);
    Files.writeString(entry.resolve("generation"), generation, StandardCharsets.US_ASCII);
    Files.write(entry.resolve("inblob"), new byte[0]);
    Files.write(entry.resolve("outblob"), outblob);
    return entry;
  }
}
