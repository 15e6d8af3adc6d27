package dev.writ.core;

import java.time.Instant;
import java.util.Optional;

/**
 * What a verification knows besides the writ and the root.
 *
 * <p>The server verifies in authority scope ({@link #authority}): it cannot know the acting node's
 * identity or the content bytes, so checks 5 and 6 are left to the agent. An agent verifies in node
 * scope ({@link #node}): every check runs, and a missing fact denies.
 */
public record VerificationContext(Instant now, FleetState state, Optional<NodeFacts> node) {

  /**
   * Facts about the acting node, established by the agent itself.
   *
   * @param id the node's own SVID identity
   * @param posture the node's attested posture
   * @param targets the exact target set delivered with the work item, whose hash must equal the
   *     writ's {@code set_hash}; empty if none was delivered
   * @param content the id computed from the content bytes the node holds; empty if it holds none
   */
  public record NodeFacts(
      SpiffeId id, Posture posture, Optional<TargetSet> targets, Optional<ContentId> content) {}

  public static VerificationContext authority(Instant now, FleetState state) {
    return new VerificationContext(now, state, Optional.empty());
  }

  public static VerificationContext node(Instant now, FleetState state, NodeFacts node) {
    return new VerificationContext(now, state, Optional.of(node));
  }
}
