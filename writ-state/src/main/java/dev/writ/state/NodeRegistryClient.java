package dev.writ.state;

import dev.writ.core.SpendLedger.SpendLedgerException;
import dev.writ.core.SpiffeId;
import dev.writ.core.WritId;
import java.time.Instant;
import java.util.HexFormat;
import java.util.SortedMap;

/**
 * Writes to the replicated node registry (docs/spec/enrollment.md section 6) through the same
 * commit path as spends: every call returns only after its command is committed on a majority and
 * applied, and anything else is a {@link SpendLedgerException} (the caller refuses).
 *
 * <p>Thread-safe.
 */
public final class NodeRegistryClient {
  private final RatisSpendLedger ledger;

  /** A client that submits through {@code ledger}'s connection to the cluster. */
  public NodeRegistryClient(RatisSpendLedger ledger) {
    this.ledger = ledger;
  }

  /** The outcome of an {@code enroll} command. */
  public sealed interface Enrollment {
    /** The audit leaf appended with the decision. */
    AuditLeaf leaf();

    /** Spent and registered. */
    record Enrolled(AuditLeaf leaf) implements Enrollment {}

    /** The writ id was already spent: nothing registered ({@code SPENT}). */
    record AlreadySpent(AuditLeaf leaf) implements Enrollment {}

    /** The id is not an open enrollment for this node ({@code ENROLLMENT_NOT_OPEN}). */
    record NotOpen(AuditLeaf leaf) implements Enrollment {}
  }

  /** Thrown when the state machine refused a registry command: state is unchanged. */
  public static final class RefusedException extends Exception {
    private static final long serialVersionUID = 1L;
    private final String code;

    RefusedException(String code, String detail) {
      super(code + ": " + detail);
      this.code = code;
    }

    /** The state machine's refusal code, e.g. {@code too_many_pending} or {@code unknown_node}. */
    public String code() {
      return code;
    }
  }

  /** Opens an enrollment of {@code node} under writ id {@code id} until {@code expires}. */
  public void open(WritId id, SpiffeId node, Instant expires)
      throws SpendLedgerException, RefusedException {
    done(
        ledger.submitCommand(
            new StateCommand.EnrollOpen(id, node, expires.getEpochSecond(), ledger.nowSeconds())));
  }

  /**
   * Spends the enroll writ and registers the node in one committed entry.
   *
   * @param envelopeSha256 the SHA-256 of the exact envelope bytes (32 bytes)
   * @param retainUntil keep the spent note at least until then (the writ's exp plus skew)
   */
  public Enrollment enroll(
      WritId id, byte[] envelopeSha256, Instant retainUntil, NodeRegistration registration)
      throws SpendLedgerException {
    if (envelopeSha256.length != 32) {
      throw new IllegalArgumentException("envelopeSha256 is 32 bytes");
    }
    StateCommand.Enroll command =
        new StateCommand.Enroll(
            id,
            HexFormat.of().formatHex(envelopeSha256),
            RatisSpendLedger.ceilSeconds(retainUntil),
            registration,
            ledger.nowSeconds());
    return switch (ledger.submitCommand(command)) {
      case CommandResult.Authorized a ->
          switch (a.outcome()) {
            case SPENT_NOW -> new Enrollment.Enrolled(a.leaf());
            case ALREADY_SPENT -> new Enrollment.AlreadySpent(a.leaf());
          };
      case CommandResult.NotOpen n -> new Enrollment.NotOpen(n.leaf());
      case CommandResult.Audited _, CommandResult.Done _ ->
          throw new SpendLedgerException("state machine answered an enroll unexpectedly", null);
      case CommandResult.Refused r ->
          throw new SpendLedgerException(
              "state machine refused the enrollment: " + r.code() + ": " + r.detail(), null);
    };
  }

  /** Replaces a node's serial, expiry and measurements after a renewal. */
  public void renew(
      SpiffeId node, String serial, Instant notAfter, SortedMap<String, String> measurements)
      throws SpendLedgerException, RefusedException {
    done(
        ledger.submitCommand(
            new StateCommand.Renew(
                node, serial, notAfter.getEpochSecond(), measurements, ledger.nowSeconds())));
  }

  /** Revokes a serial and raises the revocation epoch. */
  public void revoke(String serial) throws SpendLedgerException, RefusedException {
    done(ledger.submitCommand(new StateCommand.Revoke(serial, ledger.nowSeconds())));
  }

  private static void done(CommandResult result) throws SpendLedgerException, RefusedException {
    switch (result) {
      case CommandResult.Done _ -> {}
      case CommandResult.Refused r -> throw new RefusedException(r.code(), r.detail());
      case CommandResult.Authorized _, CommandResult.Audited _, CommandResult.NotOpen _ ->
          throw new SpendLedgerException(
              "state machine answered a registry command with a leaf", null);
    }
  }
}
