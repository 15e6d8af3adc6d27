package dev.writ.state;

import dev.writ.core.SpendLedger;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.HexFormat;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;

/**
 * A {@link SpendLedger} backed by the replicated state machine: each spend is a Raft log entry, and
 * the outcome is returned only after the entry is committed (on a majority) and applied. Anything
 * else — timeout, lost leader, a refused command, an unreadable reply — is a {@link
 * SpendLedger.SpendLedgerException}, so the caller denies. After a timeout the spend may still
 * commit later: the writ is then burned, never granted twice.
 *
 * <p>Thread-safe: the Ratis client is, and this class holds no other mutable state.
 */
public final class RatisSpendLedger implements SpendLedger, AutoCloseable {
  private final RaftClient client;
  private final InstantSource clock;
  private final Duration timeout;

  RatisSpendLedger(RaftClient client, InstantSource clock, Duration timeout) {
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be positive");
    }
    this.client = client;
    this.clock = clock;
    this.timeout = timeout;
  }

  @Override
  public Outcome spend(SpendRequest request) throws SpendLedgerException {
    StateCommand.Spend command =
        new StateCommand.Spend(
            request.id(),
            request.cap(),
            HexFormat.of().formatHex(request.envelopeSha256()),
            ceilSeconds(request.retainUntil()),
            clock.instant().getEpochSecond());
    byte[] reply = submit(CommandCodec.encode(command));
    CommandResult result;
    try {
      result = CommandCodec.decodeResult(reply);
    } catch (CommandRejectedException e) {
      throw new SpendLedgerException("unreadable reply from the state machine", e);
    }
    return switch (result) {
      case CommandResult.Spent s -> s.outcome();
      case CommandResult.Refused r ->
          throw new SpendLedgerException(
              "state machine refused the spend: " + r.code() + ": " + r.detail(), null);
    };
  }

  /** Submits raw command bytes and returns the reply bytes once committed and applied. */
  byte[] submit(byte[] command) throws SpendLedgerException {
    RaftClientReply reply;
    try {
      reply =
          client
              .async()
              .send(Message.valueOf(ByteString.copyFrom(command)))
              .get(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SpendLedgerException("interrupted while waiting for the ledger", e);
    } catch (ExecutionException e) {
      throw new SpendLedgerException("the ledger failed", e.getCause());
    } catch (TimeoutException e) {
      throw new SpendLedgerException("no commit within " + timeout, e);
    }
    if (!reply.isSuccess()) {
      throw new SpendLedgerException("the ledger did not commit", reply.getException());
    }
    return reply.getMessage().getContent().toByteArray();
  }

  /** Retain at least until {@code t}: round a fractional second up. */
  private static long ceilSeconds(Instant t) {
    return t.getNano() == 0 ? t.getEpochSecond() : t.getEpochSecond() + 1;
  }

  @Override
  public void close() throws IOException {
    client.close();
  }
}
