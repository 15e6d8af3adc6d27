package dev.writ.identity.snp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SnpCollectorTest {
  @TempDir Path tmp;

  @Test
  void collect_noConfigfsTsm_throwsEvidenceUnavailable() {
    Path root = tmp.resolve("sys/kernel/config/tsm");
    SnpCollector collector = new SnpCollector(root, new Random(1));

    assertThatThrownBy(() -> collector.collect(new byte[64]))
        .isInstanceOf(IOException.class)
        .hasMessage(
            "SEV-SNP evidence unavailable: "
                + root.resolve("report")
                + " not present (not an SEV-SNP guest)");
  }

  @Test
  void system_readsTheKernelConfigfsTsmRoot() {
    assertThat(SnpCollector.SYSTEM_ROOT).isEqualTo(Path.of("/sys/kernel/config/tsm"));
  }

  @Test
  void collect_reportDirectoryWithoutConfigfs_failsAndRemovesItsEntry() throws IOException {
    Path reports = Files.createDirectories(tmp.resolve("tsm/report"));
    SnpCollector collector = new SnpCollector(tmp.resolve("tsm"), new Random(2));

    // a plain directory: mkdir makes no attribute files, so provider cannot be read
    assertThatThrownBy(() -> collector.collect(new byte[64]))
        .isInstanceOf(IOException.class)
        .hasMessageStartingWith("SEV-SNP evidence unavailable: ")
        .hasMessageContaining("provider does not exist (not an SEV-SNP guest)");
    try (var entries = Files.list(reports)) {
      assertThat(entries).isEmpty();
    }
  }

  @Test
  void collect_reportDataNot64Bytes_rejectsTheCall() {
    SnpCollector collector = new SnpCollector(tmp, new Random(3));

    assertThatThrownBy(() -> collector.collect(new byte[32]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("report data is 64 bytes, got 32");
  }

  @Test
  void exchange_sevGuestEntry_writesInblobAndReturnsOutblobAndAuxblob() throws IOException {
    Path entry = entry("sev_guest\n", new byte[SnpReport.SIZE], new byte[] {1, 2, 3});
    byte[] reportData = new byte[64];
    reportData[0] = 42;

    SnpEvidence evidence = SnpCollector.exchange(entry, reportData);

    assertThat(Files.readAllBytes(entry.resolve("inblob"))).isEqualTo(reportData);
    assertThat(evidence.report()).hasSize(SnpReport.SIZE);
    assertThat(evidence.certificateTable()).containsExactly(1, 2, 3);
  }

  @Test
  void exchange_otherProvider_throwsEvidenceUnavailable() throws IOException {
    Path entry = entry("tdx_guest\n", new byte[SnpReport.SIZE], new byte[0]);

    assertThatThrownBy(() -> SnpCollector.exchange(entry, new byte[64]))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("provider is tdx_guest, not sev_guest");
  }

  @Test
  void exchange_outblobPastTheLimit_throws() throws IOException {
    Path entry = entry("sev_guest\n", new byte[SnpCollector.MAX_BLOB + 1], new byte[0]);

    assertThatThrownBy(() -> SnpCollector.exchange(entry, new byte[64]))
        .isInstanceOf(IOException.class)
        .hasMessageStartingWith("SEV-SNP evidence unavailable: ")
        .hasMessageContaining("outblob is larger than " + SnpCollector.MAX_BLOB + " bytes");
  }

  @Test
  void exchange_generationMoved_throwsEvidenceUnavailable() throws IOException {
    Path entry = entry("sev_guest\n", "2\n", new byte[SnpReport.SIZE], new byte[0]);

    assertThatThrownBy(() -> SnpCollector.exchange(entry, new byte[64]))
        .isInstanceOf(IOException.class)
        .hasMessageStartingWith("SEV-SNP evidence unavailable: ")
        .hasMessageContaining("written by another process")
        .hasMessageContaining("generation 2, expected 1");
  }

  @Test
  void exchange_reportDataNot64Bytes_rejectsTheCall() throws IOException {
    Path entry = entry("sev_guest\n", new byte[SnpReport.SIZE], new byte[0]);

    assertThatThrownBy(() -> SnpCollector.exchange(entry, new byte[65]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("report data is 64 bytes, got 65");
    assertThat(Files.readAllBytes(entry.resolve("inblob"))).isEmpty();
  }

  /** A directory laid out like a configfs-tsm report entry. */
  private Path entry(String provider, byte[] outblob, byte[] auxblob) throws IOException {
    return entry(provider, "1\n", outblob, auxblob);
  }

  private Path entry(String provider, String generation, byte[] outblob, byte[] auxblob)
      throws IOException {
    Path entry = Files.createDirectories(tmp.resolve("entry"));
    Files.writeString(entry.resolve("provider"), provider, StandardCharsets.US_ASCII);
    Files.writeString(entry.resolve("generation"), generation, StandardCharsets.US_ASCII);
    Files.write(entry.resolve("inblob"), new byte[0]);
    Files.write(entry.resolve("outblob"), outblob);
    Files.write(entry.resolve("auxblob"), auxblob);
    return entry;
  }
}
