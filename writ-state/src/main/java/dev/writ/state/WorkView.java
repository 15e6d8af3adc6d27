package dev.writ.state;

import dev.writ.core.SpiffeId;
import dev.writ.core.WritId;
import java.util.List;
import java.util.Optional;

/**
 * Read access to this peer's replica of the work registry (docs/spec/work.md): open requests and
 * authorized work with its per-target items. Reads see what this peer has applied, which may trail
 * the leader; authorization and results are re-checked inside their replicated commands.
 *
 * <p>Thread-safe.
 */
public interface WorkView {
  /** The open request with this writ id, if not yet authorized and not lapsed in log time. */
  Optional<WorkRequest> openRequest(WritId id);

  /** Authorized work with an item still pending for {@code node}, oldest authorization first. */
  List<WorkRegistry.Work> pendingFor(SpiffeId node);

  /** The authorized work of this writ id. */
  Optional<WorkRegistry.Work> work(WritId id);

  /** The authorized work of rollout {@code name}, oldest authorization first. */
  List<WorkRegistry.Work> rollout(String name);
}
