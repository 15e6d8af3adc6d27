package dev.writ.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@link AppendOnlyLog} against the recomputing reference {@link MerkleTree} and tiles. */
class AppendOnlyLogTest {
  private static final int N = 1100;

  private static List<byte[]> entries;
  private static List<byte[]> leafHashes;
  private static MerkleTree reference;
  private static AppendOnlyLog log;

  /** Entry {@code i}: a tag and the index, padded to a length that varies from 0 to 300 bytes. */
  static byte[] entry(String tag, long i) {
    int length = (int) ((i * 37) % 301);
    String s = String.format(Locale.ROOT, "%s-%d:", tag, i).repeat(40);
    return s.substring(0, Math.min(length, s.length())).getBytes(StandardCharsets.US_ASCII);
  }

  @BeforeAll
  static void build() {
    entries = new ArrayList<>();
    log = new AppendOnlyLog();
    for (int i = 0; i < N; i++) {
      byte[] e = entry("t", i);
      entries.add(e);
      assertThat(log.append(e)).isEqualTo(i);
    }
    leafHashes = entries.stream().map(Rfc9162::leafHash).toList();
    reference = MerkleTree.ofLeafHashes(leafHashes);
  }

  @Test
  void root_everySizeUpTo1100_equalsTheReferenceTree() {
    assertThat(log.size()).isEqualTo(N);
    for (int size = 0; size <= N; size++) {
      assertThat(log.root(size)).as("root of %d", size).isEqualTo(reference.root(size));
    }
  }

  @Test
  void entryAndLeafHash_everyIndex_equalWhatWasAppended() {
    for (int i = 0; i < N; i++) {
      assertThat(log.entry(i)).isEqualTo(entries.get(i));
      assertThat(log.leafHash(i)).isEqualTo(leafHashes.get(i));
    }
  }

  @Test
  void inclusionProof_everyIndexOfSeveralSizes_equalsTheReferenceAndVerifies() throws Exception {
    for (int size : new int[] {1, 2, 3, 7, 8, 9, 255, 256, 257, 1000, 1024, N}) {
      byte[] root = log.root(size);
      for (int i = 0; i < size; i++) {
        List<byte[]> proof = log.inclusionProof(i, size);
        assertThat(hex(proof))
            .as("path of %d in %d", i, size)
            .isEqualTo(hex(reference.inclusionProof(i, size)));
        Rfc9162.verifyInclusion(i, size, leafHashes.get(i), proof, root);
      }
    }
  }

  @Test
  void consistencyProof_everyOldSizeOfSeveralSizes_equalsTheReferenceAndVerifies()
      throws Exception {
    for (int size2 : new int[] {1, 2, 5, 8, 100, 256, 257, 511, 1023, N}) {
      for (int size1 = 1; size1 <= size2; size1++) {
        List<byte[]> proof = log.consistencyProof(size1, size2);
        assertThat(hex(proof))
            .as("proof %d to %d", size1, size2)
            .isEqualTo(hex(reference.consistencyProof(size1, size2)));
        Rfc9162.verifyConsistency(size1, size2, proof, log.root(size1), log.root(size2));
      }
    }
  }

  @Test
  void tile_everyTileOfSeveralSizes_equalsTileHashesEvenWhenTheLogIsLarger() {
    for (int size : new int[] {0, 1, 255, 256, 257, 511, 512, 513, 1000, N}) {
      TileHashes expected = TileHashes.of(leafHashes.subList(0, size));
      for (Tile t : Tile.forTree(size)) {
        assertThat(log.tile(t)).as("%s of %d", t.path(), size).contains(expected.content(t));
      }
    }
  }

  @Test
  void tile_beyondTheTree_isEmpty() {
    // 1100 leaves: level 0 has 4 full tiles and 76 more hashes; level 1 has 4 hashes
    assertThat(log.tile(new Tile(0, 4, 76))).isPresent();
    assertThat(log.tile(new Tile(0, 4, 77))).isEmpty();
    assertThat(log.tile(new Tile(0, 4, 256))).isEmpty();
    assertThat(log.tile(new Tile(0, 5, 1))).isEmpty();
    assertThat(log.tile(new Tile(0, Long.MAX_VALUE / 2, 1))).isEmpty();
    assertThat(log.tile(new Tile(1, 0, 4))).isPresent();
    assertThat(log.tile(new Tile(1, 0, 5))).isEmpty();
    assertThat(log.tile(new Tile(2, 0, 1))).isEmpty();
    assertThat(log.tile(new Tile(Tile.MAX_LEVEL, 0, 1))).isEmpty();
    assertThat(new AppendOnlyLog().tile(new Tile(0, 0, 1))).isEmpty();
  }

  @Test
  void entryBundle_everyBundleOfSeveralSizes_equalsTheEncodedEntries() throws Exception {
    for (int size : new int[] {1, 255, 256, 257, 1000, N}) {
      for (Tile t : Tile.forTree(size)) {
        if (t.level() != 0) {
          continue;
        }
        int first = Math.toIntExact(t.index() * Tile.WIDTH);
        byte[] bundle = log.entryBundle(t).orElseThrow();
        assertThat(bundle)
            .isEqualTo(EntryBundles.encode(entries.subList(first, first + t.width())));
        assertThat(EntryBundles.decode(t, bundle)).hasSize(t.width());
      }
    }
    assertThat(log.entryBundle(new Tile(0, 4, 77))).isEmpty();
    assertThat(log.entryBundle(new Tile(0, 5, 1))).isEmpty();
    assertThatThrownBy(() -> log.entryBundle(new Tile(1, 0, 1)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void subtreeHash_everyLevel_isTheRootOfThatAlignedRange() {
    for (int level = 0; (N >> level) > 0; level++) {
      long width = 1L << level;
      for (long j = 0; j < (N >> level); j++) {
        List<byte[]> range = leafHashes.subList((int) (j * width), (int) ((j + 1) * width));
        assertThat(log.subtreeHash(level, j)).isEqualTo(MerkleTree.ofLeafHashes(range).root());
      }
    }
  }

  @Test
  void emptyLog_hasTheEmptyRootAndNothingElse() {
    AppendOnlyLog empty = new AppendOnlyLog();
    assertThat(empty.size()).isZero();
    assertThat(empty.root(0)).isEqualTo(Rfc9162.emptyRoot());
    assertThatThrownBy(() -> empty.root(1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> empty.entry(0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> empty.leafHash(0)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void readers_argumentsOutOfRange_throwIllegalArgumentAsMerkleTreeDoes() {
    assertThatThrownBy(() -> log.root(-1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> log.root(N + 1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> log.entry(-1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> log.entry(N)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> log.leafHash(N)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> log.inclusionProof(5, 5)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> log.inclusionProof(-1, 5))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> log.inclusionProof(0, N + 1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> log.consistencyProof(0, 5))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> log.consistencyProof(6, 5))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> log.consistencyProof(-1, 5))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> log.consistencyProof(1, N + 1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(log.consistencyProof(5, 5)).isEmpty();
  }

  @Test
  void append_entryOverUint16_isRefusedAndTheLogIsUnchanged() {
    AppendOnlyLog small = new AppendOnlyLog();
    small.append(new byte[] {1});
    assertThatThrownBy(() -> small.append(new byte[LogLimits.MAX_ENTRY_BYTES + 1]))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(small.size()).isEqualTo(1);
    assertThat(small.append(new byte[LogLimits.MAX_ENTRY_BYTES])).isEqualTo(1);
    assertThat(small.entry(1)).hasSize(LogLimits.MAX_ENTRY_BYTES);
    assertThat(small.entry(0)).containsExactly(1);
  }

  @Test
  void append_copiesTheEntry_soLaterChangesToTheArrayDoNotReachTheLog() {
    AppendOnlyLog small = new AppendOnlyLog();
    byte[] e = {1, 2, 3};
    small.append(e);
    e[0] = 9;
    assertThat(small.entry(0)).containsExactly(1, 2, 3);
    assertThat(small.leafHash(0)).isEqualTo(Rfc9162.leafHash(new byte[] {1, 2, 3}));
    byte[] out = small.entry(0);
    out[1] = 9;
    assertThat(small.entry(0)).containsExactly(1, 2, 3);
  }

  @Test
  void append_maximalEntriesAcrossChunks_keepsEveryEntryWhole() {
    AppendOnlyLog big = new AppendOnlyLog();
    int count = 2 * EntryArena.CHUNK_BYTES / LogLimits.MAX_ENTRY_BYTES + 3;
    for (int i = 0; i < count; i++) {
      byte[] e = new byte[LogLimits.MAX_ENTRY_BYTES - i];
      e[0] = (byte) i;
      e[e.length - 1] = (byte) (i + 1);
      big.append(e);
    }
    for (int i = 0; i < count; i++) {
      byte[] e = big.entry(i);
      assertThat(e).hasSize(LogLimits.MAX_ENTRY_BYTES - i);
      assertThat(e[0]).isEqualTo((byte) i);
      assertThat(e[e.length - 1]).isEqualTo((byte) (i + 1));
    }
  }

  @Test
  void allocatedBytes_atTwentyThousand200ByteLeaves_isAbout76BytesPerLeafPlusTheEntry() {
    AppendOnlyLog measured = new AppendOnlyLog();
    int n = 20 * RecordStore.CHUNK_RECORDS;
    byte[] e = new byte[200];
    for (int i = 0; i < n; i++) {
      measured.append(e);
    }
    double perLeaf = (double) measured.allocatedBytes() / n;
    System.out.printf("AppendOnlyLog: %.1f bytes allocated per 200-byte leaf%n", perLeaf);
    // 200 entry + 2 length + 8 position + 32 leaf hash + 32 (1/2 + 1/4 + ...) above, plus the
    // unused tail of the last chunks
    assertThat(perLeaf).isBetween(272.0, 290.0);
  }

  /** Hashes as hex strings, so that lists of arrays compare by content. */
  static List<String> hex(List<byte[]> hashes) {
    return hashes.stream().map(java.util.HexFormat.of()::formatHex).toList();
  }
}
