package dev.writ.state;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.writ.core.Capability;
import dev.writ.core.SpendLedger.Outcome;
import dev.writ.core.WritId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The sequential specification of the state machine, written as plainly as possible to serve as a
 * test oracle: log time is the largest {@code at} seen; before each command, notes whose
 * retain-until is before log time are dropped; {@code authorize} spends an unnoted id (keeping its
 * first retain-until) and appends {@code allow}, or appends {@code deny}/{@code SPENT}; {@code
 * deny} appends a denial and spends nothing. Leaves are spelled out here as canonical JSON text
 * (keys in sorted order, docs/spec/log.md section 10), independently of {@code DecisionRecords}.
 *
 * <p>Not thread-safe.
 */
final class LedgerModel {
  private final Map<WritId, Long> notes = new HashMap<>();
  private final List<AuditLeaf> leaves = new ArrayList<>();
  private long logTime;

  /** Applies {@code command} and returns the result the state machine must reply. */
  CommandResult apply(StateCommand command) {
    logTime = Math.max(logTime, command.at());
    notes.values().removeIf(retainUntil -> retainUntil < logTime);
    return switch (command) {
      case StateCommand.Authorize a -> {
        boolean fresh = !notes.containsKey(a.id());
        if (fresh) {
          notes.put(a.id(), a.retainUntil());
        }
        AuditLeaf leaf =
            append(
                Optional.of(a.cap()),
                fresh ? "allow" : "deny",
                a.envelopeSha256(),
                Optional.of(a.id()),
                fresh ? Optional.empty() : Optional.of("SPENT"),
                a.at());
        yield new CommandResult.Authorized(fresh ? Outcome.SPENT_NOW : Outcome.ALREADY_SPENT, leaf);
      }
      case StateCommand.Deny d ->
          new CommandResult.Audited(
              append(
                  d.cap(),
                  "deny",
                  d.envelopeSha256(),
                  d.id(),
                  Optional.of(d.reason().name()),
                  d.at()));
      // the property generates spend commands only; the registry and work have their own tests
      case StateCommand.EnrollOpen _,
          StateCommand.Enroll _,
          StateCommand.Renew _,
          StateCommand.Revoke _,
          StateCommand.WorkOpen _,
          StateCommand.WorkAuthorize _,
          StateCommand.Result _ ->
          throw new IllegalArgumentException("the ledger model covers spend commands only");
    };
  }

  private AuditLeaf append(
      Optional<Capability> cap,
      String decision,
      String envelopeSha256,
      Optional<WritId> id,
      Optional<String> reason,
      long time) {
    long index = leaves.size();
    StringBuilder json = new StringBuilder("{");
    cap.ifPresent(c -> json.append("\"cap\":\"").append(c.wire()).append("\","));
    json.append("\"decision\":\"").append(decision).append("\",");
    json.append("\"envelope_sha256\":\"").append(envelopeSha256).append("\",");
    id.ifPresent(i -> json.append("\"id\":\"").append(i.hex()).append("\","));
    json.append("\"index\":").append(index).append(',');
    reason.ifPresent(r -> json.append("\"reason\":\"").append(r).append("\","));
    json.append("\"time\":").append(time).append(",\"v\":1}");
    AuditLeaf leaf = new AuditLeaf(index, json.toString().getBytes(UTF_8));
    leaves.add(leaf);
    return leaf;
  }

  boolean isSpent(WritId id) {
    return notes.containsKey(id);
  }

  int noteCount() {
    return notes.size();
  }

  List<AuditLeaf> leaves() {
    return List.copyOf(leaves);
  }
}
