package dev.writ.state;

import dev.writ.core.Capability;
import dev.writ.core.SpendLedger.SpendLedgerException;
import dev.writ.core.WritId;
import java.time.Instant;

/**
 * The server's way to change the replicated work registry (docs/spec/work.md): open a request,
 * authorize work (spend, audit leaf and items in one command), record a node's result. Each call
 * returns only once its command is committed and applied.
 *
 * <p>Thread-safe: the ledger it submits through is.
 */
public final class WorkClient {
  private final RatisSpendLedger ledger;

  public WorkClient(RatisSpendLedger ledger) {
    this.ledger = ledger;
  }

  /** What a {@code work_authorize} command did; every outcome appended one leaf. */
  public sealed interface Authorization {
    AuditLeaf leaf();

    /** Spent now: the {@code allow} leaf; the work items exist. */
    record Authorized(AuditLeaf leaf) implements Authorization {}

    /** The id was spent already: the {@code deny}/{@code SPENT} leaf. */
    record AlreadySpent(AuditLeaf leaf) implements Authorization {}

    /** No open request of this id and capability: the {@code deny}/{@code WORK_NOT_OPEN} leaf. */
    record NotOpen(AuditLeaf leaf) implements Authorization {}
  }

  /** The state machine refused a command without changing state. */
  public static final class RefusedException extends Exception {
    private static final long serialVersionUID = 1L;
    private final String code;

    RefusedException(String code, String detail) {
      super(code + ": " + detail);
      this.code = code;
    }

    /** The state machine's refusal code, e.g. {@code too_many_open} or {@code already_answered}. */
    public String code() {
      return code;
    }
  }

  /** Records an open request. */
  public void open(WorkRequest request) throws SpendLedgerException, RefusedException {
    switch (ledger.submitCommand(new StateCommand.WorkOpen(request, ledger.nowSeconds()))) {
      case CommandResult.Done _ -> {}
      case CommandResult.Refused r -> throw new RefusedException(r.code(), r.detail());
      case CommandResult.Authorized _, CommandResult.Audited _, CommandResult.NotOpen _ ->
          throw new SpendLedgerException("state machine answered work_open with a leaf", null);
    }
  }

  /**
   * Spends a work writ and creates its items in one committed entry.
   *
   * @param envelope the exact envelope bytes, at most {@link WorkRegistry#MAX_ENVELOPE_BYTES}
   * @param retainUntil keep the spent note at least until then (the writ's exp plus skew)
   */
  public Authorization authorize(WritId id, Capability cap, byte[] envelope, Instant retainUntil)
      throws SpendLedgerException {
    StateCommand.WorkAuthorize command =
        new StateCommand.WorkAuthorize(
            id, cap, envelope, RatisSpendLedger.ceilSeconds(retainUntil), ledger.nowSeconds());
    return switch (ledger.submitCommand(command)) {
      case CommandResult.Authorized a ->
          switch (a.outcome()) {
            case SPENT_NOW -> new Authorization.Authorized(a.leaf());
            case ALREADY_SPENT -> new Authorization.AlreadySpent(a.leaf());
          };
      case CommandResult.NotOpen n -> new Authorization.NotOpen(n.leaf());
      case CommandResult.Audited _, CommandResult.Done _ ->
          throw new SpendLedgerException(
              "state machine answered work_authorize unexpectedly", null);
      case CommandResult.Refused r ->
          throw new SpendLedgerException(
              "state machine refused the authorization: " + r.code() + ": " + r.detail(), null);
    };
  }

  /**
   * Appends a node's signed result as a result record and marks its item answered.
   *
   * @return the result record's leaf
   */
  public AuditLeaf result(byte[] document, byte[] signature, byte[] certDer)
      throws SpendLedgerException, RefusedException {
    return switch (ledger.submitCommand(
        new StateCommand.Result(document, signature, certDer, ledger.nowSeconds()))) {
      case CommandResult.Audited a -> a.leaf();
      case CommandResult.Refused r -> throw new RefusedException(r.code(), r.detail());
      case CommandResult.Authorized _, CommandResult.NotOpen _, CommandResult.Done _ ->
          throw new SpendLedgerException("state machine answered a result unexpectedly", null);
    };
  }
}
