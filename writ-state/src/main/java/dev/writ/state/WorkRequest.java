package dev.writ.state;

import dev.writ.core.Capability;
import dev.writ.core.ContentId;
import dev.writ.core.SpiffeId;
import dev.writ.core.TargetSet;
import dev.writ.core.Tier;
import dev.writ.core.WritId;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A {@code deploy} or {@code execute} request an initiator opened (docs/spec/work.md section 2):
 * the writ id the server drew, the exact target list the glob resolved to, the content, the tier
 * for {@code execute}, the rollout, and when it lapses (Unix seconds, log time). The writ that
 * authorizes it must sign the hash of exactly this list. Immutable.
 */
public record WorkRequest(
    WritId id,
    Capability cap,
    List<SpiffeId> targets,
    ContentId content,
    Optional<Tier> tier,
    Optional<String> rollout,
    long expires) {

  /** Targets of one request: the replicated command that carries them must stay small. */
  public static final int MAX_TARGETS = 64;

  /** The rollout name pattern of writ.md section 7. */
  private static final Pattern ROLLOUT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

  public WorkRequest {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(content, "content");
    Objects.requireNonNull(tier, "tier");
    Objects.requireNonNull(rollout, "rollout");
    if (cap != Capability.DEPLOY && cap != Capability.EXECUTE) {
      throw new IllegalArgumentException("a work request is for deploy or execute, not " + cap);
    }
    if ((cap == Capability.EXECUTE) != tier.isPresent()) {
      throw new IllegalArgumentException("execute, and only execute, names a tier");
    }
    targets = List.copyOf(TargetSet.of(targets).ids());
    if (targets.isEmpty() || targets.size() > MAX_TARGETS) {
      throw new IllegalArgumentException(
          "a work request has 1 to " + MAX_TARGETS + " targets, not " + targets.size());
    }
    if (rollout.isPresent() && !ROLLOUT.matcher(rollout.get()).matches()) {
      throw new IllegalArgumentException("rollout must match " + ROLLOUT.pattern());
    }
    if (expires < 0) {
      throw new IllegalArgumentException("times are non-negative Unix seconds");
    }
  }

  /** The signed form of the target list: the {@code set_hash} a writ must carry. */
  public TargetSet targetSet() {
    return TargetSet.of(targets);
  }
}
