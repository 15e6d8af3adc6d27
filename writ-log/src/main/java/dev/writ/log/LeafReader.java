package dev.writ.log;

import dev.writ.log.LogAuditException.Kind;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Reads the entry bundles a tree size needs and returns the leaf hash of every entry. */
final class LeafReader {
  private LeafReader() {}

  /**
   * The leaf hashes of entries {@code 0 .. size - 1}, from the bundles under {@code root}. A
   * missing bundle is a truncated log at its first entry; each bundle is at most {@link
   * LogLimits#MAX_BUNDLE_BYTES}. {@code size} must already be bounded by the caller.
   */
  static List<byte[]> readLeafHashes(Path root, long size) throws LogAuditException {
    List<byte[]> out = new ArrayList<>(Math.toIntExact(size));
    for (Tile t : Tile.forTree(size)) {
      if (t.level() != 0) {
        continue;
      }
      byte[] bundle =
          LogFiles.readBounded(root, t.entriesPath(), LogLimits.MAX_BUNDLE_BYTES)
              .orElseThrow(
                  () ->
                      new LogAuditException(
                          Kind.TRUNCATED_LOG,
                          t.entriesPath(),
                          t.index() * Tile.WIDTH,
                          "entry bundle missing; the checkpoint has " + size + " entries"));
      for (byte[] entry : EntryBundles.decode(t, bundle)) {
        out.add(Rfc9162.leafHash(entry));
      }
    }
    return out;
  }
}
