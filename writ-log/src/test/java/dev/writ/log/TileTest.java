package dev.writ.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** c2sp.org/tlog-tiles paths and the tiles of a tree. */
class TileTest {
  @Test
  void encodeIndex_groupsOfThreeDigitsWithXPrefix() {
    assertThat(Tile.encodeIndex(0)).isEqualTo("000");
    assertThat(Tile.encodeIndex(5)).isEqualTo("005");
    assertThat(Tile.encodeIndex(999)).isEqualTo("999");
    assertThat(Tile.encodeIndex(1000)).isEqualTo("x001/000");
    assertThat(Tile.encodeIndex(1234067)).isEqualTo("x001/x234/067");
  }

  @Test
  void path_fullAndPartialTiles() {
    assertThat(new Tile(0, 1234067, 256).path()).isEqualTo("tile/0/x001/x234/067");
    assertThat(new Tile(2, 3, 17).path()).isEqualTo("tile/2/003.p/17");
    assertThat(new Tile(0, 3, 17).entriesPath()).isEqualTo("tile/entries/003.p/17");
    assertThat(new Tile(0, 1000, 256).entriesPath()).isEqualTo("tile/entries/x001/000");
  }

  @Test
  void forTree_sizeZero_hasNoTiles() {
    assertThat(Tile.forTree(0)).isEmpty();
  }

  @Test
  void forTree_size256_isOneFullLeafTileAndOnePartialLevelOneTile() {
    assertThat(Tile.forTree(256)).containsExactly(new Tile(0, 0, 256), new Tile(1, 0, 1));
  }

  @Test
  void forTree_size70000_listsFullThenPartialTilesPerLevel() {
    List<Tile> tiles = Tile.forTree(70_000);
    // 70000 = 273 * 256 + 112; 273 = 1 * 256 + 17; 1 hash at level 2
    assertThat(tiles).hasSize(273 + 1 + 1 + 1 + 1);
    assertThat(tiles.get(272)).isEqualTo(new Tile(0, 272, 256));
    assertThat(tiles.get(273)).isEqualTo(new Tile(0, 273, 112));
    assertThat(tiles.subList(274, 277))
        .containsExactly(new Tile(1, 0, 256), new Tile(1, 1, 17), new Tile(2, 0, 1));
  }
}
