package dev.writ.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.writ.log.LogAuditException.Kind;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link TileWriter#append}: incremental writes give the same files a full write gives. */
class TileWriterTest {
  private static final String ORIGIN = LogAuditorContract.ORIGIN;
  private static final LogKeySigner SIGNER = LogAuditorContract.SIGNER;

  @TempDir Path dir;

  private static AppendOnlyLog log(int n) {
    AppendOnlyLog log = new AppendOnlyLog();
    for (byte[] e : LogAuditorContract.entries(n, "w")) {
      log.append(e);
    }
    return log;
  }

  /** Every regular file under {@code root} with its bytes, by relative path. */
  private static Map<String, String> files(Path root) throws IOException {
    TreeMap<String, String> out = new TreeMap<>();
    try (Stream<Path> s = Files.walk(root)) {
      for (Path p : s.filter(Files::isRegularFile).toList()) {
        out.put(
            root.relativize(p).toString(),
            java.util.HexFormat.of().formatHex(Files.readAllBytes(p)));
      }
    }
    return out;
  }

  @Test
  void append_inSteps_givesEveryFileAFullWriteGivesAndAuditsClean() throws Exception {
    int[] sizes = {0, 1, 255, 256, 300, 511, 512, 513, 65_536, 65_536 + 300};
    List<byte[]> entries = LogAuditorContract.entries(sizes[sizes.length - 1], "w");
    AppendOnlyLog log = new AppendOnlyLog();
    Path steps = dir.resolve("steps");
    long previous = 0;
    for (int size : sizes) {
      while (log.size() < size) {
        log.append(entries.get((int) log.size()));
      }
      TileWriter.append(steps, ORIGIN, log, previous, SIGNER);
      previous = size;
      assertThat(
              LogAuditor.verify(steps, SIGNER.verifierKey(), Optional.empty()).checkpoint().size())
          .isEqualTo(size);
      if (size == 300 || size == 513 || size == 65_536 + 300) {
        Path full = dir.resolve("full-" + size);
        TileWriter.write(full, ORIGIN, entries.subList(0, size), SIGNER);
        // the stepped folder also keeps the partial tiles of earlier sizes
        assertThat(files(steps)).containsAllEntriesOf(files(full));
      }
    }
  }

  @Test
  void append_doesNotRewriteTilesThatWereAlreadyComplete() throws Exception {
    AppendOnlyLog log = log(600);
    TileWriter.append(dir, ORIGIN, log(300), 0, SIGNER);
    // an old full tile and bundle, changed behind the writer's back, are left as they are
    Files.writeString(dir.resolve("tile/entries/000"), "changed");
    Files.writeString(dir.resolve("tile/0/000"), "changed");
    TileWriter.append(dir, ORIGIN, log, 300, SIGNER);
    assertThat(dir.resolve("tile/entries/000")).hasContent("changed");
    assertThat(dir.resolve("tile/0/000")).hasContent("changed");
    // the tile that was partial (1.p/44) is now full, and 2.p/88 is new
    assertThat(dir.resolve("tile/0/001")).hasSize(8192);
    assertThat(dir.resolve("tile/0/001.p/44")).hasSize(44 * 32);
    assertThat(dir.resolve("tile/0/002.p/88")).hasSize(88 * 32);
    assertThat(dir.resolve("tile/1/000.p/2")).hasSize(64);
    assertThatThrownBy(() -> LogAuditor.verify(dir, SIGNER.verifierKey(), Optional.empty()))
        .isInstanceOfSatisfying(
            LogAuditException.class,
            e -> {
              // "changed" starts with the length prefix 0x6368, which runs past its end
              assertThat(e.kind()).isEqualTo(Kind.TAMPERED_ENTRY);
              assertThat(e.index()).hasValue(0);
            });
  }

  @Test
  void append_returnsTheCheckpointItWrote() throws Exception {
    AppendOnlyLog log = log(10);
    byte[] note = TileWriter.append(dir, ORIGIN, log, 0, SIGNER);
    assertThat(dir.resolve("checkpoint")).hasBinaryContent(note);
    String text = new String(note, StandardCharsets.UTF_8);
    assertThat(text).startsWith(ORIGIN + "\n10\n" + Text.base64(log.root(10)) + "\n\n");
    assertThat(TileWriter.append(dir, ORIGIN, log, 10, SIGNER)).isEqualTo(note);
  }

  @Test
  void append_previousSizeOutOfRange_isRefused() {
    AppendOnlyLog log = log(10);
    assertThatThrownBy(() -> TileWriter.append(dir, ORIGIN, log, 11, SIGNER))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> TileWriter.append(dir, ORIGIN, log, -1, SIGNER))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void grownTiles_listTheTilesHoldingNewHashesPerLevel() {
    assertThat(TileWriter.grownTiles(0, 300, 600))
        .containsExactly(new Tile(0, 1, 256), new Tile(0, 2, 88));
    assertThat(TileWriter.grownTiles(1, 300, 600)).containsExactly(new Tile(1, 0, 2));
    assertThat(TileWriter.grownTiles(1, 300, 500)).isEmpty();
    assertThat(TileWriter.grownTiles(0, 512, 512)).isEmpty();
    assertThat(TileWriter.grownTiles(0, 512, 513)).containsExactly(new Tile(0, 2, 1));
    assertThat(TileWriter.grownTiles(0, 0, 512))
        .containsExactly(new Tile(0, 0, 256), new Tile(0, 1, 256));
    assertThat(TileWriter.grownTiles(2, 0, 65_536)).containsExactly(new Tile(2, 0, 1));
    assertThat(TileWriter.grownTiles(0, 0, 0)).isEmpty();
  }

  @Test
  void write_fullRebuildOverAGrownFolder_keepsFullTilesAndAuditsClean() throws Exception {
    List<byte[]> entries = LogAuditorContract.entries(700, "w");
    TileWriter.write(dir, ORIGIN, entries.subList(0, 400), SIGNER);
    String before = Files.readString(dir.resolve("tile/entries/000"), StandardCharsets.ISO_8859_1);
    TileWriter.write(dir, ORIGIN, entries, SIGNER);
    assertThat(Files.readString(dir.resolve("tile/entries/000"), StandardCharsets.ISO_8859_1))
        .isEqualTo(before);
    assertThat(LogAuditor.verify(dir, SIGNER.verifierKey(), Optional.empty()).checkpoint().size())
        .isEqualTo(700);
  }
}
