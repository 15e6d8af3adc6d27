package dev.writ.state;

import dev.writ.core.SpiffeId;
import dev.writ.core.WritId;
import java.util.List;
import java.util.Optional;

/**
 * Read access to this peer's replica of the node registry (docs/spec/enrollment.md section 6).
 * Reads see the state this peer has applied, which may trail the leader; decisions that must not
 * use a stale view (enrollment itself) are re-checked inside the replicated command.
 *
 * <p>Thread-safe.
 */
public interface RegistryView {
  /** The registered node with this identity. */
  Optional<NodeRecord> node(SpiffeId id);

  /** The pending enrollment with this writ id, if open and not yet lapsed in log time. */
  Optional<PendingEnrollment> pending(WritId id);

  /** Whether this writ id is spent in this replica (the spend itself decides; this is a hint). */
  boolean spent(WritId id);

  /** Whether this SVID serial (lowercase hex) is revoked. */
  boolean revoked(String serial);

  /** The revocation epoch: raised by every revocation, never lowered. */
  long epoch();

  /** Every registered node (revoked ones included: check {@link #revoked}), in SPIFFE ID order. */
  List<NodeRecord> nodes();

  /** How many nodes are registered. */
  int nodeCount();
}
