package dev.writ.state;

import dev.writ.core.Capability;
import dev.writ.core.ContentId;
import dev.writ.core.Reason;
import dev.writ.core.SpiffeId;
import dev.writ.core.WorkResult;
import dev.writ.core.WritId;
import java.util.Collections;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A command of the replicated state machine (DESIGN.md section 3). Every command is a versioned
 * record, encoded as RFC 8785 canonical JSON by {@link CommandCodec}, and carries {@code at}: the
 * proposer's time in Unix seconds. Apply uses only {@code at}, never a replica's clock, so every
 * replica reaches the same state. Later issues add node registry, quarantine and pause as further
 * permitted records; switches over this type have no {@code default}, so a new command breaks the
 * build until every replica path handles it.
 *
 * <p>Thread-safe: all implementations are immutable.
 */
public sealed interface StateCommand
    permits StateCommand.Authorize,
        StateCommand.Deny,
        StateCommand.EnrollOpen,
        StateCommand.Enroll,
        StateCommand.Renew,
        StateCommand.Revoke,
        StateCommand.WorkOpen,
        StateCommand.WorkAuthorize,
        StateCommand.Result {

  /** Format version of every command this build writes and accepts. */
  int VERSION = 1;

  /** The proposer's time in Unix seconds; the only time apply may use. */
  long at();

  /**
   * Spends {@code id} unless it is already spent (the note is kept until {@code retainUntil}, Unix
   * seconds, has passed in log time) and, in the same log entry, appends a decision record: {@code
   * allow} when this command spent the id, {@code deny} with reason {@code SPENT} when it was
   * already spent. Wire op {@code "authorize"}.
   *
   * @param envelopeSha256 the SHA-256 of the exact envelope bytes, 64 lowercase hex digits
   */
  record Authorize(WritId id, Capability cap, String envelopeSha256, long retainUntil, long at)
      implements StateCommand {
    public Authorize {
      checkSha256(envelopeSha256);
      if (retainUntil < 0 || at < 0) {
        throw new IllegalArgumentException("times are non-negative Unix seconds");
      }
    }
  }

  /**
   * Appends a {@code deny} decision record and changes nothing else: for a denial found before the
   * spend (the id, if known, stays unspent). Wire op {@code "deny"}.
   *
   * @param id the writ id, when the envelope parsed far enough to have one
   * @param envelopeSha256 the SHA-256 of the exact envelope bytes, 64 lowercase hex digits
   * @param cap the capability, when known
   */
  record Deny(
      Optional<WritId> id, String envelopeSha256, Optional<Capability> cap, Reason reason, long at)
      implements StateCommand {
    public Deny {
      checkSha256(envelopeSha256);
      if (at < 0) {
        throw new IllegalArgumentException("times are non-negative Unix seconds");
      }
    }
  }

  /**
   * Opens an enrollment: writ id {@code id} may enroll {@code node} until {@code expires} (log
   * time). Wire op {@code "enroll_open"}. Appends no audit leaf (nothing is decided yet).
   */
  record EnrollOpen(WritId id, SpiffeId node, long expires, long at) implements StateCommand {
    public EnrollOpen {
      if (expires < 0 || at < 0) {
        throw new IllegalArgumentException("times are non-negative Unix seconds");
      }
    }
  }

  /**
   * Spends an {@code enroll} writ and registers the node in one log entry (enrollment.md section
   * 6): when {@code id} is not an open enrollment for the node, appends a {@code deny} record with
   * {@code ENROLLMENT_NOT_OPEN} and changes nothing else; otherwise as {@link Authorize} with cap
   * {@code enroll}, and, only when this command spent the id, registers the node. Wire op {@code
   * "enroll"}.
   */
  record Enroll(
      WritId id, String envelopeSha256, long retainUntil, NodeRegistration registration, long at)
      implements StateCommand {
    public Enroll {
      checkSha256(envelopeSha256);
      if (retainUntil < 0 || at < 0) {
        throw new IllegalArgumentException("times are non-negative Unix seconds");
      }
    }
  }

  /**
   * Replaces a registered node's SVID serial, expiry and measured values after a renewal with fresh
   * evidence; the old serial becomes the previous one. Wire op {@code "renew"}. Refused for an
   * unknown or revoked node. Appends no audit leaf.
   */
  record Renew(
      SpiffeId node, String serial, long notAfter, SortedMap<String, String> measurements, long at)
      implements StateCommand {
    public Renew {
      NodeRegistration.checkSerial(serial);
      measurements = Collections.unmodifiableSortedMap(new TreeMap<>(measurements));
      NodeRegistration.checkValues(measurements, NodeRegistration.MAX_VALUES, "measurements");
      if (notAfter < 0 || at < 0) {
        throw new IllegalArgumentException("times are non-negative Unix seconds");
      }
    }
  }

  /**
   * Revokes an SVID serial and raises the revocation epoch. Wire op {@code "revoke"}. The
   * containment issue adds the writ that drives it; today the server calls it directly.
   */
  record Revoke(String serial, long at) implements StateCommand {
    public Revoke {
      NodeRegistration.checkSerial(serial);
      if (at < 0) {
        throw new IllegalArgumentException("times are non-negative Unix seconds");
      }
    }
  }

  /**
   * Records an open {@code deploy} or {@code execute} request (work.md section 2). Wire op {@code
   * "work_open"}. Appends no audit leaf; refused ({@code already_open}, {@code already_spent},
   * {@code too_many_open}) without changing state.
   */
  record WorkOpen(WorkRequest request, long at) implements StateCommand {
    public WorkOpen {
      Objects.requireNonNull(request, "request");
      if (at < 0) {
        throw new IllegalArgumentException("times are non-negative Unix seconds");
      }
    }
  }

  /**
   * Spends a {@code deploy} or {@code execute} writ and turns its open request into one pending
   * work item per target, in one log entry (work.md section 3): as {@link Authorize} when the id is
   * spent already ({@code deny}/{@code SPENT}); a {@code deny}/{@code WORK_NOT_OPEN} leaf and
   * nothing else when {@code id} is not an open request of {@code cap}; otherwise spend, {@code
   * allow} leaf and the work. Wire op {@code "work_authorize"}; the envelope travels whole.
   */
  @SuppressWarnings("ArrayRecordComponent") // copied in and out, never shared
  record WorkAuthorize(WritId id, Capability cap, byte[] envelope, long retainUntil, long at)
      implements StateCommand {
    public WorkAuthorize {
      Objects.requireNonNull(id, "id");
      if (cap != Capability.DEPLOY && cap != Capability.EXECUTE) {
        throw new IllegalArgumentException("work is deploy or execute, not " + cap);
      }
      envelope = envelope.clone();
      if (envelope.length == 0 || envelope.length > WorkRegistry.MAX_ENVELOPE_BYTES) {
        throw new IllegalArgumentException(
            "a work envelope is 1 to " + WorkRegistry.MAX_ENVELOPE_BYTES + " bytes");
      }
      if (retainUntil < 0 || at < 0) {
        throw new IllegalArgumentException("times are non-negative Unix seconds");
      }
    }

    @Override
    public byte[] envelope() {
      return envelope.clone();
    }

    /** SHA-256 of the envelope, 64 lowercase hex digits. */
    public String envelopeSha256() {
      return HexFormat.of().formatHex(ContentId.of(envelope).digest());
    }
  }

  /**
   * Records a node's signed result for a work item (work.md section 7): appends the result record
   * (log.md section 13) and marks the item {@code done} or {@code refused}, per the document's own
   * decision. Wire op {@code "result"}. The server verified the signature under {@code cert} before
   * proposing; apply re-parses the document (strictly) and refuses, changing nothing, {@code
   * malformed_result}, {@code unknown_work}, {@code not_a_target}, {@code already_answered} or
   * {@code envelope_mismatch}.
   */
  @SuppressWarnings("ArrayRecordComponent") // copied in and out, never shared
  record Result(byte[] document, byte[] signature, byte[] cert, long at) implements StateCommand {
    /** Bounds of the parts, so a result command stays well under the command limit. */
    public static final int MAX_SIGNATURE_BYTES = 128;

    public static final int MAX_CERT_BYTES = 4096;

    public Result {
      document = document.clone();
      signature = signature.clone();
      cert = cert.clone();
      if (document.length == 0 || document.length > WorkResult.MAX_BYTES) {
        throw new IllegalArgumentException("a result document is 1 to 4096 bytes");
      }
      if (signature.length == 0 || signature.length > MAX_SIGNATURE_BYTES) {
        throw new IllegalArgumentException("a result signature is 1 to 128 bytes");
      }
      if (cert.length == 0 || cert.length > MAX_CERT_BYTES) {
        throw new IllegalArgumentException("a result certificate is 1 to 4096 bytes");
      }
      if (at < 0) {
        throw new IllegalArgumentException("times are non-negative Unix seconds");
      }
    }

    @Override
    public byte[] document() {
      return document.clone();
    }

    @Override
    public byte[] signature() {
      return signature.clone();
    }

    @Override
    public byte[] cert() {
      return cert.clone();
    }
  }

  private static void checkSha256(String hex) {
    if (hex.length() != 64 || !hex.chars().allMatch(StateCommand::isLowerHex)) {
      throw new IllegalArgumentException("envelope_sha256 is 64 lowercase hex digits");
    }
  }

  private static boolean isLowerHex(int c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
  }
}
