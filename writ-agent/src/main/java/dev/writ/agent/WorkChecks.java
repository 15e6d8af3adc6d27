package dev.writ.agent;

import dev.writ.core.Capability;
import dev.writ.core.ContentId;
import dev.writ.core.Decision;
import dev.writ.core.Envelope;
import dev.writ.core.FleetState;
import dev.writ.core.Posture;
import dev.writ.core.Reason;
import dev.writ.core.SpendLedger;
import dev.writ.core.SpiffeId;
import dev.writ.core.TargetSet;
import dev.writ.core.Tier;
import dev.writ.core.TrustRoot;
import dev.writ.core.VerificationContext;
import dev.writ.core.VerifiedWrit;
import dev.writ.core.Verifier;
import dev.writ.core.WritDeniedException;
import dev.writ.core.WritPayload;
import java.io.IOException;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Everything the agent checks before it acts on a work item (docs/spec/work.md section 5), in
 * order: the receipt under the pinned log key, the log's consistency with what this agent has seen,
 * the content bytes it fetched itself, the whole writ verification in node scope with the agent's
 * own pinned root and its durable acted-on store as the spend ledger, then the tier. The server's
 * word counts for nothing here: a work item is only bytes the server relayed.
 *
 * <p>Thread-safe if its collaborators are (they are: the witness and the store serialize).
 */
public final class WorkChecks {
  /** The largest content the agent fetches for one item. */
  public static final long MAX_CONTENT_BYTES = 64L * 1024 * 1024;

  /**
   * One work item as the stream delivered it: the envelope bytes, the receipt's JSON, the exact
   * target list, and the content id the server says the writ names (not trusted: the writ's own
   * {@code content} is what is checked).
   */
  @SuppressWarnings("ArrayRecordComponent") // copied in, never written
  public record Item(byte[] envelope, String receiptJson, List<SpiffeId> targets) {
    public Item {
      envelope = envelope.clone();
      targets = List.copyOf(targets);
      Objects.requireNonNull(receiptJson, "receiptJson");
    }
  }

  /** Who this agent is: the SPIFFE ID of its SVID and the posture it enrolled with. */
  public record Node(SpiffeId id, Posture posture) {}

  /** Where content bytes come from (the server's content store); the agent hashes them itself. */
  @FunctionalInterface
  public interface ContentSource {
    /**
     * The bytes stored under {@code id}, at most {@code limit} bytes; empty when the source answers
     * that it has no bytes for the id (unknown, or found corrupt): the node then holds no content
     * and the writ is refused with {@code CONTENT_MISMATCH}.
     *
     * @throws IOException if the source cannot be asked (nothing is decided; retry later)
     */
    Optional<byte[]> fetch(ContentId id, long limit) throws IOException;
  }

  /**
   * A work item that passed every check; the writ id is recorded as acted on, and {@code content}
   * hashes to the writ's content id.
   */
  @SuppressWarnings("ArrayRecordComponent") // the verified bytes, handed to the one action
  public record Accepted(VerifiedWrit writ, byte[] content) {}

  private final TrustRoot root;
  private final LogWitness witness;
  private final SpendLedger actedOn;
  private final Clock clock;
  private final Supplier<FleetState> fleet;
  private final Predicate<Tier> tierAvailable;

  /**
   * @param root the trust root this agent pinned (never one the server sent)
   * @param witness the log key and the last checkpoint this agent verified
   * @param actedOn the durable record of writs acted on (an {@link ActedOnStore})
   * @param clock the agent's clock
   * @param fleet the fleet state as this agent knows it (pause, quarantine)
   * @param tierAvailable which sandbox tiers this host runs
   */
  public WorkChecks(
      TrustRoot root,
      LogWitness witness,
      SpendLedger actedOn,
      Clock clock,
      Supplier<FleetState> fleet,
      Predicate<Tier> tierAvailable) {
    this.root = Objects.requireNonNull(root, "root");
    this.witness = Objects.requireNonNull(witness, "witness");
    this.actedOn = Objects.requireNonNull(actedOn, "actedOn");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.fleet = Objects.requireNonNull(fleet, "fleet");
    this.tierAvailable = Objects.requireNonNull(tierAvailable, "tierAvailable");
  }

  /**
   * Runs every check on {@code item} for {@code node}.
   *
   * @throws WorkRefusedException with the first failing check's reason: the agent must not act, and
   *     reports it
   * @throws IOException if a check could not be completed (proof or content unreachable, ledger
   *     unwritable): nothing was acted on and nothing recorded; the item may be tried again
   */
  public Accepted check(Item item, Node node, LogWitness.Proofs proofs, ContentSource contentSource)
      throws WorkRefusedException, IOException {
    WritPayload payload = peek(item.envelope());
    if (payload.cap() != Capability.DEPLOY && payload.cap() != Capability.EXECUTE) {
      throw new WorkRefusedException(
          Reason.MALFORMED, "an agent acts on deploy and execute writs, not " + payload.cap());
    }
    // 1 and 2: the server authorized exactly this envelope, in a log consistent with ours
    witness.acceptAllow(item.receiptJson(), item.envelope(), payload.id(), proofs);
    // 3: the bytes, fetched and hashed here
    ContentId named = payload.content().orElseThrow();
    Optional<byte[]> content = contentSource.fetch(named, MAX_CONTENT_BYTES);
    // 4: every check of writ.md section 9 in node scope; the spend is our acted-on record
    VerificationContext ctx =
        VerificationContext.node(
            clock.instant(),
            fleet.get(),
            new VerificationContext.NodeFacts(
                node.id(),
                node.posture(),
                Optional.of(TargetSet.of(item.targets())),
                content.map(ContentId::of)));
    Decision decision;
    try {
      decision = new Verifier(root, actedOn).verify(item.envelope(), ctx);
    } catch (SpendLedger.SpendLedgerException e) {
      throw new IOException("cannot record the writ as acted on: " + e.getMessage(), e);
    }
    VerifiedWrit writ =
        switch (decision) {
          case Decision.Allow a -> a.writ();
          case Decision.Deny d -> throw new WorkRefusedException(d.reason(), d.detail());
        };
    // 5: the tier the writ names, on this host, or nothing (never a weaker one)
    Optional<Tier> tier = writ.payload().tier();
    if (tier.isPresent() && !tierAvailable.test(tier.get())) {
      throw new WorkRefusedException(
          Reason.TIER_UNAVAILABLE,
          "this host does not run the " + tier.get().wire() + " tier; nothing was run");
    }
    return new Accepted(writ, content.orElseThrow()); // the verifier allowed: the bytes match
  }

  /** The payload, read only to learn the id and capability; the full verification comes later. */
  private static WritPayload peek(byte[] envelope) throws WorkRefusedException {
    try {
      return WritPayload.parse(Envelope.parse(envelope).payload());
    } catch (WritDeniedException e) {
      throw new WorkRefusedException(e.reason(), e.detail(), e);
    }
  }

  /**
   * A work item's payload, unverified, for reporting (its id and capability in a refusal); empty if
   * it does not parse.
   */
  public static Optional<WritPayload> payloadOf(byte[] envelope) {
    try {
      return Optional.of(peek(envelope));
    } catch (WorkRefusedException e) {
      return Optional.empty();
    }
  }
}
