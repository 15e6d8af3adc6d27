package dev.writ.log;

import dev.writ.log.LogAuditException.Kind;
import java.util.ArrayDeque;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Reads the level-0 resources of an audit ahead of the replay, in the order it needs them (bundle
 * 0, tile 0, bundle 1, tile 1, ...), with at most {@link #WINDOW} reads outstanding, so that
 * fetching (an HTTP round trip, a disk read) overlaps hashing. Each read's result or failure is
 * handed over only when the replay asks for that resource, so faults are reported in reading order
 * exactly as without read-ahead.
 *
 * <p>Memory: at most {@link #WINDOW} resources held; half are bundles, so at worst 4 maximal
 * bundles (4 × 16 MiB) plus 4 tiles, typically a few hundred KiB. Not thread-safe: one replay owns
 * it. {@link #close()} cancels what is still outstanding.
 */
final class ReadAhead implements AutoCloseable {
  /** Resources read ahead: 4 bundles and their 4 level-0 tiles. */
  static final int WINDOW = 8;

  private final LogSource source;
  private final long size;
  private final ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
  private final ArrayDeque<Pending> pending = new ArrayDeque<>();

  /** The next resource to submit: 2 n is bundle n, 2 n + 1 its level-0 tile. */
  private long nextPlanned;

  private record Pending(String path, Future<Optional<byte[]>> result) {}

  ReadAhead(LogSource source, long size) {
    this.source = source;
    this.size = size;
  }

  /** The bundle of level-0 tile {@code t}, which must be the next resource planned. */
  Optional<byte[]> bundle(Tile t) throws LogAuditException {
    return take(t.entriesPath());
  }

  /** Level-0 tile {@code t}, which must be the next resource planned. */
  Optional<byte[]> levelZeroTile(Tile t) throws LogAuditException {
    return take(t.path());
  }

  private Optional<byte[]> take(String path) throws LogAuditException {
    fill();
    Pending p = pending.poll();
    if (p == null || !p.path().equals(path)) {
      throw new LogBugException("read-ahead out of order at " + path, null);
    }
    fill();
    try {
      return p.result().get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof LogAuditException audit) {
        throw audit;
      }
      throw new LogAuditException(Kind.UNREADABLE, path, -1, String.valueOf(e.getCause()), e);
    } catch (CancellationException e) {
      throw new LogAuditException(Kind.UNREADABLE, path, -1, "read cancelled", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LogAuditException(Kind.UNREADABLE, path, -1, "interrupted", e);
    }
  }

  private void fill() {
    long tiles = (size + Tile.WIDTH - 1) / Tile.WIDTH;
    while (pending.size() < WINDOW && nextPlanned < 2 * tiles) {
      Tile t = Replay.levelZeroTile(size, nextPlanned / 2);
      boolean bundle = nextPlanned % 2 == 0;
      String path = bundle ? t.entriesPath() : t.path();
      int max = bundle ? LogLimits.MAX_BUNDLE_BYTES : LogLimits.MAX_TILE_BYTES;
      pending.add(new Pending(path, pool.submit(() -> source.read(path, max))));
      nextPlanned++;
    }
  }

  @Override
  public void close() {
    for (Pending p : pending) {
      p.result().cancel(true);
    }
    pending.clear();
    pool.shutdownNow();
  }
}
