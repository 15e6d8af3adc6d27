package dev.writ.state;

import dev.writ.log.Tile;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The {@link AuditLogReader} of one replica: reads the state machine's current log, which a
 * snapshot load may replace by an equal-or-longer one (never a different prefix).
 *
 * <p>Thread-safe.
 */
final class ReplicaAuditLog implements AuditLogReader {
  private final WritStateMachine machine;

  ReplicaAuditLog(WritStateMachine machine) {
    this.machine = machine;
  }

  @Override
  public long size() {
    return machine.log().size();
  }

  @Override
  public byte[] entry(long index) {
    return machine.log().entry(index);
  }

  @Override
  public byte[] root(long size) {
    return machine.log().root(size);
  }

  @Override
  public List<byte[]> inclusionProof(long index, long size) {
    return machine.log().inclusionProof(index, size);
  }

  @Override
  public List<byte[]> consistencyProof(long size1, long size2) {
    return machine.log().consistencyProof(size1, size2);
  }

  @Override
  public Optional<byte[]> tile(Tile tile) {
    return machine.log().tile(tile);
  }

  @Override
  public Optional<byte[]> entryBundle(Tile tile) {
    return machine.log().entryBundle(tile);
  }

  @Override
  public boolean awaitSize(long size, Duration timeout) throws InterruptedException {
    return machine.awaitLogSize(size, timeout);
  }
}
