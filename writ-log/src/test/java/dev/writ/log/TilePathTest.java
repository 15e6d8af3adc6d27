package dev.writ.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.writ.log.TilePath.Kind;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link TilePath#parse}: exactly the c2sp.org/tlog-tiles spellings, nothing else. */
class TilePathTest {
  @Test
  void parse_hashTiles_fullAndPartial() {
    assertThat(TilePath.parse("tile/0/000"))
        .contains(new TilePath(Kind.HASHES, new Tile(0, 0, 256)));
    assertThat(TilePath.parse("tile/0/005.p/17"))
        .contains(new TilePath(Kind.HASHES, new Tile(0, 5, 17)));
    assertThat(TilePath.parse("tile/2/x001/x234/067"))
        .contains(new TilePath(Kind.HASHES, new Tile(2, 1_234_067, 256)));
    assertThat(TilePath.parse("tile/7/000.p/127"))
        .contains(new TilePath(Kind.HASHES, new Tile(7, 0, 127)));
    assertThat(TilePath.parse("tile/1/999.p/255"))
        .contains(new TilePath(Kind.HASHES, new Tile(1, 999, 255)));
    assertThat(TilePath.parse("tile/0/000.p/1"))
        .contains(new TilePath(Kind.HASHES, new Tile(0, 0, 1)));
  }

  @Test
  void parse_entryBundles_fullAndPartial() {
    assertThat(TilePath.parse("tile/entries/000"))
        .contains(new TilePath(Kind.ENTRIES, new Tile(0, 0, 256)));
    assertThat(TilePath.parse("tile/entries/x001/000.p/3"))
        .contains(new TilePath(Kind.ENTRIES, new Tile(0, 1000, 3)));
  }

  @Test
  void parse_largestIndexOfATreeBelow2To63_isAcceptedAndOneMoreIsNot() {
    // level 0 holds at most 2^63 - 1 hashes: full tiles up to 2^55 - 2, then a partial of 255
    long lastFull = Long.MAX_VALUE / 256 - 1;
    Tile t = new Tile(0, lastFull, 256);
    assertThat(TilePath.parse(t.path())).contains(new TilePath(Kind.HASHES, t));
    Tile partial = new Tile(0, lastFull + 1, 255);
    assertThat(TilePath.parse(partial.path())).contains(new TilePath(Kind.HASHES, partial));
    assertThat(TilePath.parse(new Tile(0, lastFull + 1, 256).path())).isEmpty();
    assertThat(TilePath.parse(new Tile(0, lastFull + 2, 1).path())).isEmpty();
    // level 7 (tree level 56) has at most 127 hashes: only a partial tile 0
    assertThat(TilePath.parse("tile/7/000")).isEmpty();
    assertThat(TilePath.parse("tile/7/000.p/128")).isEmpty();
    assertThat(TilePath.parse("tile/7/001.p/1")).isEmpty();
  }

  @Test
  void parse_everyTileOfATree_roundTrips() {
    for (Tile t : Tile.forTree(70_000)) {
      assertThat(TilePath.parse(t.path())).contains(new TilePath(Kind.HASHES, t));
      if (t.level() == 0) {
        assertThat(TilePath.parse(t.entriesPath())).contains(new TilePath(Kind.ENTRIES, t));
      }
    }
  }

  @Test
  void path_isWhatParseRead() {
    assertThat(new TilePath(Kind.HASHES, new Tile(3, 1000, 9)).path())
        .isEqualTo("tile/3/x001/000.p/9");
    assertThat(new TilePath(Kind.ENTRIES, new Tile(0, 12, 256)).path())
        .isEqualTo("tile/entries/012");
    assertThatThrownBy(() -> new TilePath(Kind.ENTRIES, new Tile(1, 0, 1)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "tile",
        "tile/",
        "tile/0",
        "tile/0/",
        "tile//000",
        "/tile/0/000",
        "tile/0/000/",
        "tile/0/000.p",
        "tile/0/000.p/",
        "tile/0/000.p/5/",
        "tile/0/000.q/5",
        "tile/0/000p/5",
        "tile/0/000.P/5",
        // index groups: wrong width, missing or misplaced x, upper case, leading zero group
        "tile/0/0",
        "tile/0/00",
        "tile/0/0000",
        "tile/0/1234",
        "tile/0/x000",
        "tile/0/x001",
        "tile/0/x001/",
        "tile/0/001/000",
        "tile/0/x1/000",
        "tile/0/x0001/000",
        "tile/0/X001/000",
        "tile/0/x001/x000",
        "tile/0/x000/005",
        "tile/0/x000/x001/000",
        "tile/0/xx01/000",
        "tile/0/x001x/000",
        // signs, spaces and non-ASCII digits
        "tile/0/+05",
        "tile/0/-05",
        "tile/0/+005",
        "tile/+0/000",
        "tile/-0/000",
        "tile/0/ 005",
        "tile/0/005 ",
        " tile/0/005",
        "tile/0/\u0661\u0662\u0663",
        "tile/\u0660/000",
        // widths
        "tile/0/000.p/0",
        "tile/0/000.p/00",
        "tile/0/000.p/01",
        "tile/0/000.p/256",
        "tile/0/000.p/1000",
        "tile/0/000.p/+5",
        "tile/0/000.p/-5",
        "tile/0/000.p/x5",
        "tile/entries/000.p/0",
        "tile/entries/000.p/256",
        // levels
        "tile/8/000",
        "tile/9/000",
        "tile/10/000",
        "tile/63/000",
        "tile/00/000",
        "tile/01/000",
        "tile/a/000",
        "tile/entries/0/000",
        "tile/entry/000",
        "tile/entries/",
        "tile/entries",
        "tile/Entries/000",
        // traversal and other separators
        "tile/0/../000",
        "tile/../tile/0/000",
        "tile/0/./000",
        "tile/0/..",
        "tile/0\\000",
        "tile/0//000",
        "tile/0/000?x",
        "tile/0/000#x",
        "tile/0/000%2F",
        "checkpoint",
        // overflow: Long.MAX_VALUE, one more, and far beyond
        "tile/0/x009/x223/x372/x036/x854/x775/807",
        "tile/0/x009/x223/x372/x036/x854/x775/808",
        "tile/0/x999/x999/x999/x999/x999/x999/999",
        "tile/0/x001/x000/x000/x000/x000/x000/x000/000",
        "tile/0/x999/x999/x999/x999/x999/x999/x999/x999/x999/999",
      })
  void parse_anythingElse_isEmpty(String path) {
    assertThat(TilePath.parse(path)).as("%s", path).isEmpty();
  }

  @Test
  void parse_longInput_isRefusedBeforeScanning() {
    String longPath = "tile/0/" + "x001/".repeat(10_000) + "000";
    assertThat(TilePath.parse(longPath)).isEmpty();
  }

  @Test
  void parse_randomMutationsOfValidPaths_neverThrowAndAcceptOnlyCanonicalPaths() {
    Random random = new Random(7);
    String alphabet = "tile/entrsxp.0123456789";
    String[] seeds = {"tile/0/x001/x234/067.p/17", "tile/entries/x999/000", "tile/3/000.p/255"};
    for (int n = 0; n < 20_000; n++) {
      StringBuilder sb = new StringBuilder(seeds[n % seeds.length]);
      int edits = 1 + random.nextInt(3);
      for (int e = 0; e < edits; e++) {
        int at = random.nextInt(sb.length() + 1);
        char c = alphabet.charAt(random.nextInt(alphabet.length()));
        switch (random.nextInt(3)) {
          case 0 -> sb.insert(at, c);
          case 1 -> {
            if (at < sb.length()) {
              sb.deleteCharAt(at);
            }
          }
          default -> {
            if (at < sb.length()) {
              sb.setCharAt(at, c);
            }
          }
        }
      }
      String s = sb.toString();
      TilePath.parse(s).ifPresent(p -> assertThat(p.path()).isEqualTo(s));
    }
  }
}
