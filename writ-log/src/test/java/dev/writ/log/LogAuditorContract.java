package dev.writ.log;

import static java.nio.file.StandardCopyOption.REPLACE_EXISTING;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.writ.log.LogAuditException.Kind;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Logs written by {@link TileWriter}, audited by {@link LogAuditor}, then broken one way each. One
 * suite, bound to each {@link LogSource}: a folder ({@link LogAuditorTest}), HTTP with a client of
 * the source's own ({@link LogAuditorHttpTest}) and with the caller's client ({@link
 * LogAuditorCallerClientTest}); the folder {@link #dir} is what the source serves.
 */
abstract class LogAuditorContract {
  static final String ORIGIN = "writ.example/audit";

  /** Every test entry is this long, so a byte's offset in a bundle is easy to compute. */
  static final int ENTRY_BYTES = 16;

  static final LogKeySigner SIGNER = new LogKeySigner(ORIGIN, key(1));

  @TempDir Path dir;

  /** The source that serves {@link #dir}. */
  abstract LogSource source();

  /** A fixed test key from a seed byte, never used outside tests. */
  static Ed25519PrivateKeyParameters key(int seed) {
    byte[] raw = new byte[32];
    for (int i = 0; i < raw.length; i++) {
      raw[i] = (byte) (i + seed);
    }
    return new Ed25519PrivateKeyParameters(raw, 0);
  }

  /** {@code n} entries of {@link #ENTRY_BYTES} bytes: "e-" + tag + index. */
  static List<byte[]> entries(int n, String tag) {
    List<byte[]> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      String s = String.format(Locale.ROOT, "e-%s%013d", tag, i);
      out.add(s.getBytes(StandardCharsets.US_ASCII));
    }
    return out;
  }

  static String write(Path root, List<byte[]> entries) throws IOException {
    return new String(TileWriter.write(root, ORIGIN, entries, SIGNER), StandardCharsets.UTF_8);
  }

  AuditedLog audit(Optional<String> trusted) throws LogAuditException {
    return LogAuditor.verify(source(), SIGNER.verifierKey(), trusted);
  }

  void flipByte(String relative, int offset) throws IOException {
    Path p = dir.resolve(relative);
    byte[] b = Files.readAllBytes(p);
    b[offset] ^= 0x01;
    Files.write(p, b);
  }

  void assertFails(Optional<String> trusted, Kind kind, String path, long index) {
    assertThatThrownBy(() -> audit(trusted))
        .isInstanceOfSatisfying(
            LogAuditException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(kind);
              assertThat(e.path()).contains(path);
              if (index < 0) {
                assertThat(e.index()).isEmpty();
              } else {
                assertThat(e.index()).hasValue(index);
              }
            });
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 255, 256, 257, 1000, 65_536 + 257})
  void verify_untouchedLog_acceptsWithItsSize(int size) throws Exception {
    List<byte[]> entries = entries(size, "a");
    write(dir, entries);

    AuditedLog audited = audit(Optional.empty());

    assertThat(audited.checkpoint().size()).isEqualTo(size);
    assertThat(audited.checkpoint().origin()).isEqualTo(ORIGIN);
    List<byte[]> leafHashes = entries.stream().map(Rfc9162::leafHash).toList();
    assertThat(audited.checkpoint().root()).isEqualTo(MerkleTree.ofLeafHashes(leafHashes).root());
    for (Tile t : Tile.forTree(size)) {
      assertThat(dir.resolve(t.path())).isRegularFile();
    }
  }

  @Test
  void write_size257_writesTlogTilesPathsAndNoTemporaryFiles() throws Exception {
    write(dir, entries(257, "a"));
    assertThat(dir.resolve("tile/0/000")).hasSize(8192);
    assertThat(dir.resolve("tile/0/001.p/1")).hasSize(32);
    assertThat(dir.resolve("tile/1/000.p/1")).hasSize(32);
    assertThat(dir.resolve("tile/entries/000")).hasSize(256L * (2 + ENTRY_BYTES));
    assertThat(dir.resolve("tile/entries/001.p/1")).hasSize(2 + ENTRY_BYTES);
    try (var files = Files.walk(dir)) {
      assertThat(files.filter(p -> p.getFileName().toString().endsWith(".tmp"))).isEmpty();
    }
  }

  @Test
  void write_levelOneTile_holdsTheRootOfEachFullLevelZeroTile() throws Exception {
    List<byte[]> entries = entries(600, "a");
    write(dir, entries);
    List<byte[]> leafHashes = entries.stream().map(Rfc9162::leafHash).toList();
    byte[] tile = Files.readAllBytes(dir.resolve("tile/1/000.p/2"));
    byte[] second = Arrays.copyOfRange(tile, 32, 64);
    assertThat(second).isEqualTo(MerkleTree.ofLeafHashes(leafHashes.subList(256, 512)).root());
  }

  @Test
  void verify_flippedEntryByte_failsWithTamperedEntryAtThatIndex() throws Exception {
    write(dir, entries(1000, "a"));
    int entry = 300;
    flipByte("tile/entries/001", (entry % 256) * (2 + ENTRY_BYTES) + 2 + ENTRY_BYTES - 1);
    assertFails(Optional.empty(), Kind.TAMPERED_ENTRY, "tile/entries/001", entry);
  }

  @Test
  void verify_flippedLevelZeroTileByte_failsWithTamperedTileAtThatHash() throws Exception {
    write(dir, entries(1000, "a"));
    flipByte("tile/0/002", 17 * 32 + 31);
    assertFails(Optional.empty(), Kind.TAMPERED_TILE, "tile/0/002", 17);
  }

  @Test
  void verify_flippedLevelOneTileByte_failsWithTamperedTileAtThatHash() throws Exception {
    write(dir, entries(1000, "a"));
    flipByte("tile/1/000.p/3", 32);
    assertFails(Optional.empty(), Kind.TAMPERED_TILE, "tile/1/000.p/3", 1);
  }

  @Test
  void verify_entryAndItsLeafHashBothRewritten_failsWithRootMismatch() throws Exception {
    List<byte[]> entries = entries(300, "a");
    write(dir, entries);
    List<byte[]> forged = new ArrayList<>(entries);
    forged.set(3, entries(300, "z").get(3));
    Path other = dir.resolve("forged");
    TileWriter.write(other, ORIGIN, forged, SIGNER);
    Files.copy(
        other.resolve("tile/entries/000"), dir.resolve("tile/entries/000"), REPLACE_EXISTING);
    Files.copy(other.resolve("tile/0/000"), dir.resolve("tile/0/000"), REPLACE_EXISTING);
    assertFails(Optional.empty(), Kind.ROOT_MISMATCH, "checkpoint", 300);
  }

  @Test
  void verify_flippedCheckpointRootByte_failsWithBadCheckpointSignature() throws Exception {
    String note = write(dir, entries(10, "a"));
    int rootLine = note.indexOf('\n', note.indexOf('\n') + 1) + 1;
    flipByte("checkpoint", rootLine + 5);
    assertFails(Optional.empty(), Kind.BAD_CHECKPOINT_SIGNATURE, "checkpoint", -1);
  }

  @Test
  void verify_flippedSignatureCharacter_failsWithBadCheckpointSignature() throws Exception {
    String note = write(dir, entries(10, "a"));
    int sig = note.lastIndexOf(' ') + 20;
    char c = note.charAt(sig);
    String forged = note.substring(0, sig) + (c == 'A' ? 'B' : 'A') + note.substring(sig + 1);
    Files.writeString(dir.resolve("checkpoint"), forged);
    assertFails(Optional.empty(), Kind.BAD_CHECKPOINT_SIGNATURE, "checkpoint", -1);
  }

  @Test
  void verify_otherLogKey_failsWithBadCheckpointSignature() throws Exception {
    write(dir, entries(10, "a"));
    NoteVerifierKey other = new LogKeySigner(ORIGIN, key(7)).verifierKey();
    assertThatThrownBy(() -> LogAuditor.verify(source(), other, Optional.empty()))
        .isInstanceOfSatisfying(
            LogAuditException.class,
            e -> assertThat(e.kind()).isEqualTo(Kind.BAD_CHECKPOINT_SIGNATURE));
  }

  @Test
  void verify_lastEntryBundleDeleted_failsWithTruncatedLogAtItsFirstEntry() throws Exception {
    write(dir, entries(1000, "a"));
    Files.delete(dir.resolve("tile/entries/003.p/232"));
    assertFails(Optional.empty(), Kind.TRUNCATED_LOG, "tile/entries/003.p/232", 768);
  }

  @Test
  void verify_lastEntryCutFromBundle_failsWithTruncatedLogAtThatEntry() throws Exception {
    write(dir, entries(1000, "a"));
    Path p = dir.resolve("tile/entries/003.p/232");
    byte[] b = Files.readAllBytes(p);
    Files.write(p, Arrays.copyOf(b, b.length - 2 - ENTRY_BYTES));
    assertFails(Optional.empty(), Kind.TRUNCATED_LOG, "tile/entries/003.p/232", 999);
  }

  @Test
  void verify_hashTileDeleted_failsWithMissingTile() throws Exception {
    write(dir, entries(1000, "a"));
    Files.delete(dir.resolve("tile/1/000.p/3"));
    assertThatThrownBy(() -> audit(Optional.empty()))
        .isInstanceOfSatisfying(
            LogAuditException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(Kind.MISSING_TILE);
              assertThat(e.path()).contains("tile/1/000.p/3");
            });
  }

  @Test
  void verify_tileOverSizeLimit_failsWithTooLargeBeforeParsing() throws Exception {
    write(dir, entries(300, "a"));
    Files.write(dir.resolve("tile/0/000"), new byte[LogLimits.MAX_TILE_BYTES + 1]);
    assertFails(Optional.empty(), Kind.TOO_LARGE, "tile/0/000", LogLimits.MAX_TILE_BYTES + 1);
  }

  @Test
  void verify_trustedCheckpointOfEarlierSize_acceptsWhenTheLogOnlyGrew() throws Exception {
    List<byte[]> entries = entries(1000, "a");
    String old = write(dir, entries.subList(0, 300));
    write(dir, entries);

    AuditedLog audited = audit(Optional.of(old));

    assertThat(audited.checkpoint().size()).isEqualTo(1000);
    assertThat(audit(Optional.of(audited.signedNote())).checkpoint().size()).isEqualTo(1000);
  }

  @Test
  void verify_trustedCheckpointOfEmptyLog_acceptsAnyGrownLog() throws Exception {
    String old = write(dir, List.of());
    write(dir, entries(5, "a"));
    assertThat(audit(Optional.of(old)).checkpoint().size()).isEqualTo(5);
  }

  @Test
  void verify_rebuiltLogWithADifferentOldEntry_failsWithForkAtTrustedSize() throws Exception {
    List<byte[]> entries = entries(1000, "a");
    String old = write(dir, entries.subList(0, 300));
    List<byte[]> rewritten = new ArrayList<>(entries);
    rewritten.set(5, entries(6, "b").get(5));
    write(dir, rewritten);

    assertThat(audit(Optional.empty()).checkpoint().size()).isEqualTo(1000);
    assertFails(Optional.of(old), Kind.FORK, "checkpoint", 300);
  }

  @Test
  void verify_logShrankBelowTrustedSize_failsWithFork() throws Exception {
    List<byte[]> entries = entries(1000, "a");
    String old = write(dir.resolve("old"), entries);
    write(dir, entries.subList(0, 300));
    assertFails(Optional.of(old), Kind.FORK, "checkpoint", 1000);
  }

  @Test
  void verify_flippedLevelTwoTileByte_failsWithTamperedTile() throws Exception {
    write(dir, entries(65_536 + 257, "a"));
    flipByte("tile/2/000.p/1", 0);
    assertFails(Optional.empty(), Kind.TAMPERED_TILE, "tile/2/000.p/1", 0);
  }

  @Test
  void verify_levelOneAndLevelZeroTilesBothChanged_reportsLevelZeroFirst() throws Exception {
    write(dir, entries(1000, "a"));
    flipByte("tile/1/000.p/3", 0);
    flipByte("tile/0/003.p/232", 5 * 32);
    assertFails(Optional.empty(), Kind.TAMPERED_TILE, "tile/0/003.p/232", 5);
  }

  @Test
  void verify_twoEntriesChanged_reportsTheFirst() throws Exception {
    write(dir, entries(1000, "a"));
    flipByte("tile/entries/003.p/232", 7 * (2 + ENTRY_BYTES) + 2);
    flipByte("tile/entries/001", 9 * (2 + ENTRY_BYTES) + 2);
    assertFails(Optional.empty(), Kind.TAMPERED_ENTRY, "tile/entries/001", 256 + 9);
  }

  @Test
  void verify_trustedCheckpointOfTheSameSize_accepts() throws Exception {
    String note = write(dir, entries(700, "a"));
    assertThat(audit(Optional.of(note)).checkpoint().size()).isEqualTo(700);
  }

  @Test
  void verify_trustedCheckpointOfSameSizeOtherRoot_failsWithFork() throws Exception {
    List<byte[]> entries = entries(700, "a");
    List<byte[]> other = new ArrayList<>(entries);
    other.set(699, entries(700, "b").get(699));
    String old = write(dir.resolve("old"), other);
    write(dir, entries);
    assertFails(Optional.of(old), Kind.FORK, "checkpoint", 700);
  }

  @Test
  void verify_trustedCheckpointOfEmptyLogWithAnotherRoot_failsWithFork() throws Exception {
    write(dir, entries(5, "a"));
    String forged =
        new String(
            SIGNER.sign(Checkpoint.of(ORIGIN, 0, new byte[32], List.of()).format()),
            StandardCharsets.UTF_8);
    assertFails(Optional.of(forged), Kind.FORK, "checkpoint", 0);
  }

  @Test
  void verify_checkpointMissing_failsWithMalformedCheckpoint() throws Exception {
    write(dir, entries(5, "a"));
    Files.delete(dir.resolve("checkpoint"));
    assertFails(Optional.empty(), Kind.MALFORMED_CHECKPOINT, "checkpoint", -1);
  }

  @Test
  void verify_checkpointAboveTheAuditLimit_failsWithTooLargeBeforeReadingEntries()
      throws Exception {
    long size = LogLimits.MAX_AUDIT_TREE_SIZE + 1;
    Files.write(
        dir.resolve("checkpoint"),
        SIGNER.sign(Checkpoint.of(ORIGIN, size, new byte[32], List.of()).format()));
    assertFails(Optional.empty(), Kind.TOO_LARGE, "checkpoint", size);
  }

  @Test
  void verify_checkpointAtTheAuditLimit_isReplayedUntilTheFirstMissingBundle() throws Exception {
    Files.write(
        dir.resolve("checkpoint"),
        SIGNER.sign(
            Checkpoint.of(ORIGIN, LogLimits.MAX_AUDIT_TREE_SIZE, new byte[32], List.of())
                .format()));
    assertFails(Optional.empty(), Kind.TRUNCATED_LOG, "tile/entries/000", 0);
  }
}
