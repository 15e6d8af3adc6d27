package dev.writ.state;

import dev.writ.core.Capability;
import dev.writ.core.Reason;
import dev.writ.core.SpendLedger;
import dev.writ.core.WritId;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.exceptions.LeaderNotReadyException;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;

/**
 * A {@link SpendLedger} backed by the replicated state machine: each spend is one Raft log entry,
 * an {@code authorize} command that spends the id and appends its audit leaf together, and the
 * outcome is returned only after the entry is committed (on a majority) and applied. {@link
 * #auditDenial} appends the leaf of a denial found before the spend. Anything else — timeout, lost
 * leader, a refused command, an unreadable reply — is a {@link SpendLedger.SpendLedgerException},
 * so the caller denies. After a timeout the spend may still commit later: the writ is then burned,
 * never granted twice.
 *
 * <p>Thread-safe: the Ratis client is, and this class holds no other mutable state.
 */
public final class RatisSpendLedger implements SpendLedger, AutoCloseable {
  private final RaftClient client;
  private final Optional<RaftServer> local;
  private final InstantSource clock;
  private final Duration timeout;
  private final ClientId localClientId = ClientId.randomId();
  private final AtomicLong localCallIds = new AtomicLong();

  /**
   * @param local the peer running in this process, if any: while it is the leader, commands go to
   *     it directly instead of through the client's gRPC connection to it (same commit path, same
   *     reply after apply; one network hop and two serializations fewer)
   */
  RatisSpendLedger(
      RaftClient client, Optional<RaftServer> local, InstantSource clock, Duration timeout) {
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be positive");
    }
    this.client = client;
    this.local = local;
    this.clock = clock;
    this.timeout = timeout;
  }

  /** A committed authorization: the spend outcome and the audit leaf appended with it. */
  public record Authorization(Outcome outcome, AuditLeaf leaf) {}

  @Override
  public Outcome spend(SpendRequest request) throws SpendLedgerException {
    return authorize(request).outcome();
  }

  /**
   * Spends the id and appends its decision record in one committed log entry: {@code allow} when
   * this call spent it, {@code deny}/{@code SPENT} when it was already spent.
   *
   * @throws SpendLedgerException unless the entry was committed and applied; the caller denies
   */
  public Authorization authorize(SpendRequest request) throws SpendLedgerException {
    StateCommand.Authorize command =
        new StateCommand.Authorize(
            request.id(),
            request.cap(),
            HexFormat.of().formatHex(request.envelopeSha256()),
            ceilSeconds(request.retainUntil()),
            clock.instant().getEpochSecond());
    return switch (submitCommand(command)) {
      case CommandResult.Authorized a -> new Authorization(a.outcome(), a.leaf());
      case CommandResult.Audited _, CommandResult.NotOpen _, CommandResult.Done _ ->
          throw new SpendLedgerException("state machine answered an authorize with a denial", null);
      case CommandResult.Refused r ->
          throw new SpendLedgerException(
              "state machine refused the authorization: " + r.code() + ": " + r.detail(), null);
    };
  }

  /**
   * Appends the decision record of a denial found before the spend; the id stays unspent. Fails
   * closed: the leaf is returned only once committed and applied.
   *
   * @param id the writ id, if the envelope parsed far enough to have one
   * @param envelopeSha256 the SHA-256 of the exact envelope bytes (32 bytes)
   * @param cap the capability, if known
   * @throws SpendLedgerException unless the entry was committed and applied
   */
  public AuditLeaf auditDenial(
      Optional<WritId> id, byte[] envelopeSha256, Optional<Capability> cap, Reason reason)
      throws SpendLedgerException {
    if (envelopeSha256.length != 32) {
      throw new IllegalArgumentException("envelopeSha256 is 32 bytes");
    }
    StateCommand.Deny command =
        new StateCommand.Deny(
            id,
            HexFormat.of().formatHex(envelopeSha256),
            cap,
            reason,
            clock.instant().getEpochSecond());
    return switch (submitCommand(command)) {
      case CommandResult.Audited a -> a.leaf();
      case CommandResult.Authorized _, CommandResult.NotOpen _, CommandResult.Done _ ->
          throw new SpendLedgerException("state machine answered a deny with a spend", null);
      case CommandResult.Refused r ->
          throw new SpendLedgerException(
              "state machine refused the denial record: " + r.code() + ": " + r.detail(), null);
    };
  }

  CommandResult submitCommand(StateCommand command) throws SpendLedgerException {
    byte[] reply = submit(CommandCodec.encode(command));
    try {
      return CommandCodec.decodeResult(reply);
    } catch (CommandRejectedException e) {
      throw new SpendLedgerException("unreadable reply from the state machine", e);
    }
  }

  /** Submits raw command bytes and returns the reply bytes once committed and applied. */
  byte[] submit(byte[] command) throws SpendLedgerException {
    Message message = Message.valueOf(ByteString.copyFrom(command));
    long deadline = System.nanoTime() + timeout.toNanos();
    Optional<RaftServer.Division> leader = localLeader();
    while (leader.isEmpty() && alone() && System.nanoTime() < deadline) {
      // a single peer is the only possible leader: wait for its election (just after start)
      // instead of handing the request to the client, which would bounce off this peer
      pause(LEADER_READY_POLL);
      leader = localLeader();
    }
    while (leader.isPresent()) {
      CompletableFuture<RaftClientReply> pending;
      try {
        pending = local.orElseThrow().submitClientRequestAsync(localRequest(leader.get(), message));
      } catch (IOException e) {
        break; // the local peer could not take it: the client path reports or retries
      }
      RaftClientReply reply = await(pending);
      if (!notAppended(reply)) {
        return content(reply);
      }
      if (!(reply.getException() instanceof LeaderNotReadyException)
          || System.nanoTime() > deadline) {
        break; // leadership moved before the entry was appended: the client path finds it
      }
      // elected but its first entry of the term is not committed yet (just after start): wait
      // here instead of handing the request to the client, which would bounce off this peer
      pause(LEADER_READY_POLL);
      leader = localLeader();
    }
    return content(await(client.async().send(message)));
  }

  /** Whether the peer in this process is the whole group (the embedded default). */
  private boolean alone() {
    if (local.isEmpty()) {
      return false;
    }
    try {
      return local.get().getDivision(StateCluster.GROUP_ID).getGroup().getPeers().size() == 1;
    } catch (IOException e) {
      return false; // not started or closed: the client path reports what is wrong
    }
  }

  private Optional<RaftServer.Division> localLeader() {
    if (local.isEmpty()) {
      return Optional.empty();
    }
    try {
      RaftServer.Division d = local.get().getDivision(StateCluster.GROUP_ID);
      return d.getInfo().isLeader() ? Optional.of(d) : Optional.empty();
    } catch (IOException e) {
      return Optional.empty(); // not started or closed: the client path reports what is wrong
    }
  }

  private RaftClientRequest localRequest(RaftServer.Division leader, Message message) {
    return RaftClientRequest.newBuilder()
        .setClientId(localClientId)
        .setServerId(leader.getId())
        .setGroupId(StateCluster.GROUP_ID)
        .setCallId(localCallIds.incrementAndGet())
        .setMessage(message)
        .setType(RaftClientRequest.writeRequestType())
        .setTimeoutMs(timeout.toMillis())
        .build();
  }

  /** The leader refused the request before appending it, so resubmitting cannot spend twice. */
  private static boolean notAppended(RaftClientReply reply) {
    return !reply.isSuccess()
        && (reply.getNotLeaderException() != null
            || reply.getException() instanceof LeaderNotReadyException);
  }

  private RaftClientReply await(CompletableFuture<RaftClientReply> pending)
      throws SpendLedgerException {
    try {
      return pending.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SpendLedgerException("interrupted while waiting for the ledger", e);
    } catch (ExecutionException e) {
      throw new SpendLedgerException("the ledger failed", e.getCause());
    } catch (TimeoutException e) {
      throw new SpendLedgerException("no commit within " + timeout, e);
    }
  }

  private static byte[] content(RaftClientReply reply) throws SpendLedgerException {
    if (!reply.isSuccess()) {
      throw new SpendLedgerException("the ledger did not commit", reply.getException());
    }
    return reply.getMessage().getContent().toByteArray();
  }

  /** The proposer's time for a command, Unix seconds. */
  long nowSeconds() {
    return clock.instant().getEpochSecond();
  }

  /** How often a request retries a local leader that is elected but not yet ready. */
  static final Duration LEADER_READY_POLL = Duration.ofMillis(20);

  private static void pause(Duration d) throws SpendLedgerException {
    try {
      Thread.sleep(d);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SpendLedgerException("interrupted while waiting for the leader", e);
    }
  }

  /** Retain at least until {@code t}: round a fractional second up. */
  static long ceilSeconds(Instant t) {
    return t.getNano() == 0 ? t.getEpochSecond() : t.getEpochSecond() + 1;
  }

  @Override
  public void close() throws IOException {
    client.close();
  }
}
