package dev.writ.server;

import dev.writ.log.Tile;
import java.util.Optional;

/** A parsed tile path: a hash tile, or a level-0 entry bundle. Immutable. */
record TileRequest(Tile tile, boolean entries) {
  /** Parses {@code tile/...} (c2sp.org/tlog-tiles); empty for anything else. */
  static Optional<TileRequest> parse(String path) {
    return Optional.empty(); // replaced by writ-log's strict parser in the next commit
  }
}
