package dev.writ.log;

/**
 * The receipt of a result leaf that passed {@link Receipt#verifyResult}: the log key signed a
 * checkpoint whose tree holds, at {@link #index()}, the {@link ResultRecord} {@link #record()}
 * (docs/spec/log.md sections 12 and 13). Only {@link Receipt#verifyResult} makes one.
 *
 * <p>What it does not prove: that the record's certificate chains to a trust bundle, that the
 * signature verifies or that the signed document is well formed (the reader checks those, with the
 * bundle it trusts), nor that the tree is the one everybody else sees.
 *
 * <p>Immutable and thread-safe.
 */
public final class ResultReceipt {
  private final long index;
  private final Checkpoint checkpoint;
  private final String checkpointNote;
  private final byte[] leaf;
  private final ResultRecord record;

  ResultReceipt(
      long index, Checkpoint checkpoint, String checkpointNote, byte[] leaf, ResultRecord record) {
    this.index = index;
    this.checkpoint = checkpoint;
    this.checkpointNote = checkpointNote;
    this.leaf = leaf;
    this.record = record;
  }

  /** The leaf's position in the log. */
  public long index() {
    return index;
  }

  /** The signed checkpoint whose tree holds the leaf (size above {@link #index()}). */
  public Checkpoint checkpoint() {
    return checkpoint;
  }

  /** The signed checkpoint note as received. */
  public String checkpointNote() {
    return checkpointNote;
  }

  /** A copy of the leaf bytes (the canonical result record). */
  public byte[] leaf() {
    return leaf.clone();
  }

  /** The result record the leaf holds. */
  public ResultRecord record() {
    return record;
  }
}
