package dev.writ.state;

import dev.writ.core.ContentId;
import dev.writ.core.Reason;
import dev.writ.core.SpendLedger;
import dev.writ.core.SpiffeId;
import dev.writ.core.WorkResult;
import dev.writ.core.WritDeniedException;
import dev.writ.core.WritId;
import dev.writ.log.AppendOnlyLog;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.apache.ratis.io.MD5Hash;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.exceptions.StateMachineException;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.server.raftlog.RaftLog;
import org.apache.ratis.server.storage.FileInfo;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.SnapshotInfo;
import org.apache.ratis.statemachine.StateMachineStorage;
import org.apache.ratis.statemachine.TransactionContext;
import org.apache.ratis.statemachine.impl.BaseStateMachine;
import org.apache.ratis.statemachine.impl.SimpleStateMachineStorage;
import org.apache.ratis.statemachine.impl.SingleFileSnapshotInfo;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.util.MD5FileUtil;

/**
 * Writ's replicated state machine (DESIGN.md section 3); this slice holds the spent-writ notes and
 * the audit log's leaves. An authorization spends and appends its leaf in one apply, so both are in
 * the same committed log entry; a leaf's index is the number of leaves before it. Apply is
 * deterministic: it reads only the log entry (its bytes and its {@code at} field), never a clock,
 * so all replicas agree. A command that does not decode strictly is answered with an error and
 * changes nothing but the applied index.
 *
 * <p>Thread-safe: apply, snapshot and reads synchronize on this instance.
 */
final class WritStateMachine extends BaseStateMachine implements RegistryView, WorkView {
  private final SimpleStateMachineStorage storage = new SimpleStateMachineStorage();
  private final SpentNotes notes = new SpentNotes();
  private final NodeRegistry registry = new NodeRegistry();
  private final WorkRegistry work = new WorkRegistry();

  /**
   * The audit log. Replaced wholesale (never mutated in place) when a snapshot is loaded, so a
   * reader that took this reference sees a consistent prefix; appended to only under this
   * instance's lock.
   */
  private volatile AppendOnlyLog log = new AppendOnlyLog();

  private final AppliedWaiters waiters = new AppliedWaiters();

  @Override
  public StateMachineStorage getStateMachineStorage() {
    return storage;
  }

  @Override
  public void initialize(RaftServer server, RaftGroupId groupId, RaftStorage raftStorage)
      throws IOException {
    super.initialize(server, groupId, raftStorage);
    storage.init(raftStorage);
    load(storage.getLatestSnapshot());
  }

  @Override
  public void reinitialize() throws IOException {
    load(storage.loadLatestSnapshot());
  }

  private synchronized void load(SingleFileSnapshotInfo snapshot) throws IOException {
    if (snapshot == null) {
      return;
    }
    Path file = snapshot.getFile().getPath();
    MD5Hash expected = snapshot.getFile().getFileDigest();
    if (expected != null && !expected.equals(MD5FileUtil.computeMd5ForFile(file.toFile()))) {
      throw new IOException("snapshot " + file + " does not match its MD5 file");
    }
    SnapshotFormat.Loaded loaded;
    try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
      loaded = SnapshotFormat.read(in);
    }
    notes.reset(loaded.logTime(), loaded.notes());
    registry.reset(
        loaded.registry().pending(),
        loaded.registry().nodes(),
        loaded.registry().revoked(),
        loaded.registry().epoch());
    work.reset(loaded.work().open(), loaded.work().work());
    AppendOnlyLog fresh = new AppendOnlyLog();
    for (byte[] leaf : loaded.leaves()) {
      fresh.append(leaf);
    }
    log = fresh;
    setLastAppliedTermIndex(snapshot.getTermIndex());
    waiters.advanced(fresh.size());
  }

  /**
   * Refuses, on the leader and before anything is appended to the Raft log, a command that does not
   * decode strictly, so malformed bytes never reach a replica's log. Apply still decodes and
   * refuses on its own (a log written by another build, or a follower's own check).
   */
  @Override
  public TransactionContext startTransaction(RaftClientRequest request) throws IOException {
    TransactionContext context = super.startTransaction(request);
    try {
      CommandCodec.decode(request.getMessage().getContent().toByteArray());
    } catch (CommandRejectedException e) {
      // an exception on the context fails the request without appending it to the Raft log
      context.setException(
          new StateMachineException("command refused: " + e.code() + ": " + e.getMessage()));
    }
    return context;
  }

  @Override
  public CompletableFuture<Message> applyTransaction(TransactionContext trx) {
    LogEntryProto entry = trx.getLogEntry();
    byte[] command = entry.getStateMachineLogEntry().getLogData().toByteArray();
    byte[] reply;
    synchronized (this) {
      reply = CommandCodec.encodeResult(apply(command));
      updateLastAppliedTermIndex(entry.getTerm(), entry.getIndex());
    }
    waiters.advanced(log.size());
    return CompletableFuture.completedFuture(Message.valueOf(ByteString.copyFrom(reply)));
  }

  private CommandResult apply(byte[] bytes) {
    StateCommand command;
    try {
      command = CommandCodec.decode(bytes);
    } catch (CommandRejectedException e) {
      return new CommandResult.Refused(e.code(), String.valueOf(e.getMessage()));
    }
    notes.advanceTo(command.at());
    registry.advanceTo(notes.logTime());
    work.advanceTo(notes.logTime());
    return switch (command) {
      case StateCommand.Authorize a -> {
        SpendLedger.Outcome outcome = notes.spend(a.id(), a.retainUntil());
        yield new CommandResult.Authorized(
            outcome, appendLeaf(a, outcome == SpendLedger.Outcome.SPENT_NOW, Reason.SPENT));
      }
      case StateCommand.Deny d -> new CommandResult.Audited(appendLeaf(d, false, d.reason()));
      case StateCommand.Enroll e -> enroll(e);
      case StateCommand.EnrollOpen o when notes.contains(o.id()) ->
          new CommandResult.Refused("already_spent", "the id is already spent");
      case StateCommand.EnrollOpen o ->
          registry
              .open(new PendingEnrollment(o.id(), o.node(), o.expires()))
              .<CommandResult>map(code -> new CommandResult.Refused(code, "enrollment not opened"))
              .orElse(new CommandResult.Done());
      case StateCommand.Renew r ->
          registry
              .renew(r.node(), r.serial(), r.notAfter(), r.measurements())
              .<CommandResult>map(code -> new CommandResult.Refused(code, "not renewed"))
              .orElse(new CommandResult.Done());
      case StateCommand.Revoke r -> {
        registry.revoke(r.serial());
        yield new CommandResult.Done();
      }
      case StateCommand.WorkOpen o when notes.contains(o.request().id()) ->
          new CommandResult.Refused("already_spent", "the id is already spent");
      case StateCommand.WorkOpen o when o.request().expires() <= notes.logTime() ->
          new CommandResult.Refused("expired", "the request lapsed before it was opened");
      case StateCommand.WorkOpen o ->
          work.open(o.request())
              .<CommandResult>map(code -> new CommandResult.Refused(code, "request not opened"))
              .orElse(new CommandResult.Done());
      case StateCommand.WorkAuthorize w -> authorizeWork(w);
      case StateCommand.Result r -> result(r);
    };
  }

  /** Spend and create the work items in one step, only for an open request (work.md section 3). */
  private CommandResult authorizeWork(StateCommand.WorkAuthorize w) {
    if (notes.contains(w.id())) {
      return new CommandResult.Authorized(
          SpendLedger.Outcome.ALREADY_SPENT, appendLeaf(w, false, Reason.SPENT));
    }
    if (work.request(w.id()).filter(r -> r.cap() == w.cap()).isEmpty()) {
      return new CommandResult.NotOpen(appendLeaf(w, false, Reason.WORK_NOT_OPEN));
    }
    SpendLedger.Outcome outcome = notes.spend(w.id(), w.retainUntil());
    AuditLeaf leaf = appendLeaf(w, true, Reason.SPENT);
    work.authorize(w.id(), w.envelope(), leaf.index(), w.at())
        .ifPresent(
            code -> {
              throw new IllegalStateException("open request vanished during apply: " + code);
            });
    return new CommandResult.Authorized(outcome, leaf);
  }

  /** Records a node's signed result (work.md section 7), re-checking what the server checked. */
  private CommandResult result(StateCommand.Result r) {
    WorkResult doc;
    try {
      doc = WorkResult.parse(r.document());
    } catch (WritDeniedException e) {
      return new CommandResult.Refused("malformed_result", String.valueOf(e.getMessage()));
    }
    if (doc.id().isEmpty()) {
      return new CommandResult.Refused("unknown_work", "the result names no writ id");
    }
    Optional<WorkRegistry.Work> w = work.work(doc.id().get());
    if (w.isEmpty()) {
      return new CommandResult.Refused("unknown_work", "no work with this id");
    }
    WorkRegistry.Item item = w.get().items().get(doc.node());
    if (item == null) {
      return new CommandResult.Refused("not_a_target", "the node is not a target of this work");
    }
    if (item.state() != WorkRegistry.ItemState.PENDING) {
      return new CommandResult.Refused("already_answered", "the node answered this work already");
    }
    String envelopeSha256 =
        HexFormat.of().formatHex(ContentId.of(w.get().envelopeBytes()).digest());
    if (!envelopeSha256.equals(doc.envelopeSha256())) {
      return new CommandResult.Refused("envelope_mismatch", "the result is about another envelope");
    }
    AppendOnlyLog current = log;
    long index = current.size();
    byte[] leaf = ResultRecords.leaf(r, doc.node(), index);
    current.append(leaf);
    work.answer(doc.id().get(), doc.node(), doc.reason().isEmpty(), index);
    return new CommandResult.Audited(new AuditLeaf(index, leaf));
  }

  /** Spend and register in one step, only for an open enrollment (enrollment.md section 6). */
  private CommandResult enroll(StateCommand.Enroll e) {
    if (notes.contains(e.id())) {
      // a replay: audited as SPENT like any other, whether or not an enrollment is still open
      return new CommandResult.Authorized(
          SpendLedger.Outcome.ALREADY_SPENT, appendLeaf(e, false, Reason.SPENT));
    }
    if (!registry.isOpenFor(e.id(), e.registration().node())) {
      return new CommandResult.NotOpen(appendLeaf(e, false, Reason.ENROLLMENT_NOT_OPEN));
    }
    SpendLedger.Outcome outcome = notes.spend(e.id(), e.retainUntil());
    boolean spent = outcome == SpendLedger.Outcome.SPENT_NOW;
    if (spent) {
      registry.register(e.id(), e.registration(), notes.logTime());
    }
    return new CommandResult.Authorized(outcome, appendLeaf(e, spent, Reason.SPENT));
  }

  private AuditLeaf appendLeaf(StateCommand command, boolean allowed, Reason reason) {
    AppendOnlyLog current = log;
    long index = current.size();
    byte[] leaf = DecisionRecords.leaf(command, allowed, reason, index);
    current.append(leaf);
    return new AuditLeaf(index, leaf);
  }

  @Override
  public synchronized long takeSnapshot() throws IOException {
    TermIndex last = getLastAppliedTermIndex();
    if (last == null || last.getIndex() < 0) {
      return RaftLog.INVALID_LOG_INDEX;
    }
    Path target = storage.getSnapshotFile(last.getTerm(), last.getIndex()).toPath();
    // a name SimpleStateMachineStorage's snapshot patterns never match, in the same directory
    Path tmp = target.resolveSibling("partial-" + last.getTerm() + "_" + last.getIndex());
    Files.createDirectories(target.getParent());
    try (FileChannel ch =
        FileChannel.open(
            tmp,
            StandardOpenOption.CREATE,
            StandardOpenOption.TRUNCATE_EXISTING,
            StandardOpenOption.WRITE)) {
      OutputStream out = new BufferedOutputStream(Channels.newOutputStream(ch));
      SnapshotFormat.write(out, notes.logTime(), notes.sortedById(), log, registry, work);
      out.flush();
      ch.force(true);
    }
    Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
    fsyncDirectory(target.getParent());
    MD5Hash md5 = MD5FileUtil.computeAndSaveMd5ForFile(target.toFile());
    storage.updateLatestSnapshot(new SingleFileSnapshotInfo(new FileInfo(target, md5), last));
    return last.getIndex();
  }

  private static void fsyncDirectory(Path dir) throws IOException {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    }
  }

  @Override
  public SnapshotInfo getLatestSnapshot() {
    return storage.getLatestSnapshot();
  }

  @Override
  public synchronized Optional<NodeRecord> node(SpiffeId id) {
    return registry.node(id);
  }

  @Override
  public synchronized Optional<PendingEnrollment> pending(WritId id) {
    return registry.pending(id).filter(p -> p.expires() > notes.logTime());
  }

  @Override
  public synchronized boolean revoked(String serial) {
    return registry.isRevoked(serial);
  }

  @Override
  public synchronized long epoch() {
    return registry.epoch();
  }

  @Override
  public synchronized int nodeCount() {
    return registry.nodeCount();
  }

  @Override
  public synchronized List<NodeRecord> nodes() {
    return List.copyOf(registry.nodeEntries().values());
  }

  @Override
  public synchronized Optional<WorkRequest> openRequest(WritId id) {
    return work.request(id).filter(r -> r.expires() > notes.logTime());
  }

  @Override
  public synchronized List<WorkRegistry.Work> pendingFor(SpiffeId node) {
    return work.pendingFor(node);
  }

  @Override
  public synchronized Optional<WorkRegistry.Work> work(WritId id) {
    return work.work(id);
  }

  @Override
  public synchronized List<WorkRegistry.Work> rollout(String name) {
    return work.rollout(name);
  }

  @Override
  public synchronized boolean spent(WritId id) {
    return notes.contains(id);
  }

  synchronized boolean isSpent(WritId id) {
    return notes.contains(id);
  }

  synchronized int noteCount() {
    return notes.size();
  }

  /** The audit leaves in log order, for tests in this package. */
  synchronized List<AuditLeaf> leaves() {
    AppendOnlyLog current = log;
    List<AuditLeaf> out = new ArrayList<>();
    for (long i = 0; i < current.size(); i++) {
      out.add(new AuditLeaf(i, current.entry(i)));
    }
    return out;
  }

  /** The current audit log; read it without a lock (see {@link AppendOnlyLog}). */
  AppendOnlyLog log() {
    return log;
  }

  /**
   * Waits until the audit log has at least {@code size} leaves.
   *
   * @return whether it has, or false after {@code timeout}
   */
  boolean awaitLogSize(long size, java.time.Duration timeout) throws InterruptedException {
    return waiters.await(() -> log.size(), size, timeout);
  }
}
