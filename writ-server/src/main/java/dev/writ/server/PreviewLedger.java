package dev.writ.server;

import dev.writ.core.SpendLedger;
import dev.writ.state.RegistryView;
import java.util.Optional;

/**
 * A ledger for checking an enroll writ before its evidence is known (docs/spec/enrollment.md
 * section 3): it spends nothing, answers from this replica's view whether the id is already spent,
 * and keeps the request the verifier made so the real spend (the replicated {@code enroll} command,
 * which decides for good) uses the same retention. One instance per verification.
 *
 * <p>Not thread-safe: used by one request.
 */
final class PreviewLedger implements SpendLedger {
  private final RegistryView registry;
  private Optional<SpendRequest> request = Optional.empty();

  PreviewLedger(RegistryView registry) {
    this.registry = registry;
  }

  @Override
  public Outcome spend(SpendRequest r) {
    request = Optional.of(r);
    return registry.spent(r.id()) ? Outcome.ALREADY_SPENT : Outcome.SPENT_NOW;
  }

  /** The spend the verifier asked for, once verification reached its last step. */
  Optional<SpendRequest> request() {
    return request;
  }
}
