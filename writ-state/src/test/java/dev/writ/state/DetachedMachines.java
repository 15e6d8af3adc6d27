package dev.writ.state;

import java.io.IOException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.util.concurrent.ExecutionException;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.proto.RaftProtos.RaftPeerRole;
import org.apache.ratis.proto.RaftProtos.StateMachineLogEntryProto;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.TransactionContext;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;

/**
 * {@link WritStateMachine}s driven without a Raft server, for property tests: log entries go
 * straight to {@code applyTransaction} (as a follower applies them), and {@link #start()} builds a
 * machine the way a restarting peer does, from the latest snapshot in one Ratis storage directory
 * that every machine started here shares. Nothing else of Ratis runs.
 *
 * <p>Not thread-safe.
 */
final class DetachedMachines implements AutoCloseable {
  /** Every entry is in the first term; no election happens here. */
  private static final long TERM = 1;

  /**
   * The server a detached machine reports to: it only has an id (BaseStateMachine names itself by
   * it); every other call fails loudly, so a machine that starts needing its server breaks here.
   */
  private static final RaftServer NO_SERVER =
      (RaftServer)
          Proxy.newProxyInstance(
              RaftServer.class.getClassLoader(),
              new Class<?>[] {RaftServer.class},
              (proxy, method, args) ->
                  switch (method.getName()) {
                    case "getId" -> RaftPeerId.valueOf("detached");
                    case "toString" -> "detached";
                    default ->
                        throw new UnsupportedOperationException(
                            "a detached state machine has no server: " + method.getName());
                  });

  private final RaftStorage storage;

  private DetachedMachines(RaftStorage storage) {
    this.storage = storage;
  }

  /** Formats a new Ratis storage directory at {@code dir}. */
  static DetachedMachines format(Path dir) throws IOException {
    RaftStorage storage =
        RaftStorage.newBuilder()
            .setDirectory(dir.toFile())
            .setOption(RaftStorage.StartupOption.FORMAT)
            .setLogCorruptionPolicy(RaftServerConfigKeys.Log.CorruptionPolicy.getDefault())
            .setStorageFreeSpaceMin(RaftServerConfigKeys.STORAGE_FREE_SPACE_MIN_DEFAULT)
            .build();
    storage.initialize();
    return new DetachedMachines(storage);
  }

  /** A new machine holding the state of the latest snapshot in the directory (empty if none). */
  WritStateMachine start() throws IOException {
    WritStateMachine machine = new WritStateMachine();
    machine.initialize(NO_SERVER, StateCluster.GROUP_ID, storage);
    return machine;
  }

  /** Applies {@code command} as log entry {@code index} and decodes the machine's reply. */
  static CommandResult apply(WritStateMachine machine, long index, byte[] command)
      throws InterruptedException, ExecutionException, CommandRejectedException {
    LogEntryProto entry =
        LogEntryProto.newBuilder()
            .setTerm(TERM)
            .setIndex(index)
            .setStateMachineLogEntry(
                StateMachineLogEntryProto.newBuilder().setLogData(ByteString.copyFrom(command)))
            .build();
    TransactionContext trx =
        TransactionContext.newBuilder()
            .setServerRole(RaftPeerRole.FOLLOWER)
            .setStateMachine(machine)
            .setLogEntry(entry)
            .build();
    Message reply = machine.applyTransaction(trx).get();
    return CommandCodec.decodeResult(reply.getContent().toByteArray());
  }

  @Override
  public void close() throws IOException {
    storage.close();
  }
}
