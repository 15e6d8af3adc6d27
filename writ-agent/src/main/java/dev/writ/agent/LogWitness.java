package dev.writ.agent;

import dev.writ.core.Reason;
import dev.writ.core.WritId;
import dev.writ.log.Checkpoint;
import dev.writ.log.LogVerificationException;
import dev.writ.log.NoteVerifierKey;
import dev.writ.log.Receipt;
import dev.writ.log.Rfc9162;
import dev.writ.log.SignedNotes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What the agent knows of the audit log (docs/spec/work.md section 5, steps 1 and 2): the log's
 * verifier key it pinned, and the latest checkpoint it verified, kept in a file so that a restart
 * cannot be shown an older or forked log. Every receipt a work item carries must verify under the
 * key and its checkpoint must be consistent with the one kept: a prefix of it, the same tree, or a
 * tree that extends it (then kept instead).
 *
 * <p>Thread-safe: calls are serialized.
 */
public final class LogWitness {
  /** A signed checkpoint note is a few hundred bytes. */
  private static final int MAX_NOTE_BYTES = 16 * 1024;

  /** Where consistency proofs come from: the server (GET /v1/log/consistency). */
  @FunctionalInterface
  public interface Proofs {
    /** The RFC 9162 consistency proof from the tree of {@code oldSize} to {@code newSize}. */
    List<byte[]> consistency(long oldSize, long newSize) throws IOException;
  }

  private final NoteVerifierKey key;
  private final Path file;
  private Optional<Checkpoint> last;

  private LogWitness(NoteVerifierKey key, Path file, Optional<Checkpoint> last) {
    this.key = key;
    this.file = file;
    this.last = last;
  }

  /**
   * The witness kept in {@code file} (which need not exist yet) for the log of {@code key}.
   *
   * @throws IOException if the file exists but does not hold a checkpoint note of this log signed
   *     by {@code key}: the agent must not go on with a memory it cannot trust
   */
  public static LogWitness open(NoteVerifierKey key, Path file) throws IOException {
    Objects.requireNonNull(key, "key");
    if (!Files.exists(file)) {
      return new LogWitness(key, file, Optional.empty());
    }
    if (Files.size(file) > MAX_NOTE_BYTES) {
      throw new IOException(file + " is larger than a checkpoint note");
    }
    try {
      return new LogWitness(key, file, Optional.of(checkpoint(key, Files.readString(file))));
    } catch (LogVerificationException e) {
      throw new IOException(
          file + " does not hold a checkpoint signed by the pinned log key: " + e.getMessage(), e);
    }
  }

  /** The latest checkpoint verified, if any. */
  public synchronized Optional<Checkpoint> last() {
    return last;
  }

  /**
   * Checks a work item's receipt: an {@code allow} of {@code envelope} for writ {@code id},
   * included in a checkpoint signed by the pinned key and consistent with the log seen so far.
   *
   * @throws WorkRefusedException {@code RECEIPT_INVALID} or {@code LOG_INCONSISTENT}
   * @throws IOException if a consistency proof cannot be fetched: nothing is decided, retry later
   */
  public synchronized Receipt acceptAllow(
      String receiptJson, byte[] envelope, WritId id, Proofs proofs)
      throws WorkRefusedException, IOException {
    Receipt receipt;
    try {
      receipt =
          Receipt.verify(
              receiptJson, key, envelope, "allow", Optional.empty(), Optional.of(id.hex()));
    } catch (LogVerificationException e) {
      throw new WorkRefusedException(Reason.RECEIPT_INVALID, e.getMessage(), e);
    }
    advance(receipt.checkpoint(), receipt.checkpointNote(), proofs);
    return receipt;
  }

  /**
   * Takes a checkpoint note the server sent (a ping, or the enrollment receipt's): verified and
   * checked for consistency like a receipt's.
   *
   * @throws WorkRefusedException {@code RECEIPT_INVALID} for a note that does not verify, {@code
   *     LOG_INCONSISTENT} for a checkpoint inconsistent with the one kept
   */
  public synchronized void observe(String checkpointNote, Proofs proofs)
      throws WorkRefusedException, IOException {
    Checkpoint cp;
    try {
      cp = checkpoint(key, checkpointNote);
    } catch (LogVerificationException e) {
      throw new WorkRefusedException(Reason.RECEIPT_INVALID, e.getMessage(), e);
    }
    advance(cp, checkpointNote, proofs);
  }

  private void advance(Checkpoint cp, String note, Proofs proofs)
      throws WorkRefusedException, IOException {
    if (last.isEmpty()) {
      keep(cp, note); // the first checkpoint: enrollment's receipt seeds it
      return;
    }
    Checkpoint old = last.get();
    try {
      if (cp.size() >= old.size()) {
        List<byte[]> proof =
            cp.size() == old.size() ? List.of() : proofs.consistency(old.size(), cp.size());
        Rfc9162.verifyConsistency(old.size(), cp.size(), proof, old.root(), cp.root());
        if (cp.size() > old.size()) {
          keep(cp, note);
        }
      } else {
        List<byte[]> proof = proofs.consistency(cp.size(), old.size());
        Rfc9162.verifyConsistency(cp.size(), old.size(), proof, cp.root(), old.root());
      }
    } catch (LogVerificationException e) {
      throw new WorkRefusedException(
          Reason.LOG_INCONSISTENT,
          "the checkpoint of size "
              + cp.size()
              + " is not consistent with the one of size "
              + old.size()
              + " this agent verified: "
              + e.getMessage(),
          e);
    }
  }

  private static Checkpoint checkpoint(NoteVerifierKey key, String note)
      throws LogVerificationException {
    Checkpoint cp =
        Checkpoint.parse(
            SignedNotes.open(note.getBytes(StandardCharsets.UTF_8), List.of(key)).text());
    if (!cp.origin().equals(key.name())) {
      throw new LogVerificationException(
          dev.writ.log.LogVerificationException.Reason.ORIGIN_MISMATCH,
          "checkpoint origin " + cp.origin() + " is not the log key's name " + key.name());
    }
    return cp;
  }

  /** Replaces the kept checkpoint (crash-safe, {@link DurableFiles}). */
  private void keep(Checkpoint cp, String note) throws IOException {
    DurableFiles.replace(file, note.getBytes(StandardCharsets.UTF_8));
    last = Optional.of(cp);
  }
}
