package dev.writ.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.writ.core.Reason;
import dev.writ.core.WritId;
import dev.writ.log.AppendOnlyLog;
import dev.writ.log.Checkpoint;
import dev.writ.log.LogKeySigner;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Receipts and checkpoints from real in-memory logs signed by a real log key. */
class LogWitnessTest {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String ORIGIN = TestLog.ORIGIN;

  @TempDir Path dir;

  private final LogKeySigner signer = LogKeySigner.generate(ORIGIN, RANDOM);

  /** One writ's envelope bytes and id. */
  @SuppressWarnings("ArrayRecordComponent") // test data, never mutated
  private record Writ(WritId id, byte[] envelope) {
    static Writ random() {
      byte[] e = new byte[64];
      RANDOM.nextBytes(e);
      return new Writ(WritId.random(RANDOM), e);
    }
  }

  /** A {@link TestLog} that also remembers the writs of its leaves. */
  private final class Log {
    final TestLog t = new TestLog(signer);
    final AppendOnlyLog log = t.log;
    final List<Writ> writs = new ArrayList<>();

    Writ add(String decision) {
      Writ w = Writ.random();
      t.add(w.id(), w.envelope(), decision);
      writs.add(w);
      return w;
    }

    String note(long size) {
      return t.note(size);
    }

    String receipt(int index, long size) {
      return t.receipt(index, size);
    }

    LogWitness.Proofs proofs() {
      return t.proofs();
    }
  }

  private LogWitness witness() throws IOException {
    return LogWitness.open(signer.verifierKey(), dir.resolve("checkpoint"));
  }

  private static Reason refusal(ThrowingCall call) throws IOException {
    try {
      call.run();
    } catch (WorkRefusedException e) {
      return e.reason();
    }
    throw new AssertionError("accepted");
  }

  private interface ThrowingCall {
    void run() throws WorkRefusedException, IOException;
  }

  @Test
  void acceptAllow_growingLog_keepsTheNewestCheckpointAcrossReopen() throws Exception {
    Log l = new Log();
    Writ a = l.add("allow");
    LogWitness w = witness();
    w.acceptAllow(l.receipt(0, 1), a.envelope(), a.id(), l.proofs());
    for (int i = 0; i < 5; i++) {
      l.add("allow");
    }
    Writ b = l.add("allow");

    w.acceptAllow(l.receipt(6, 7), b.envelope(), b.id(), l.proofs());

    assertThat(w.last().orElseThrow().size()).isEqualTo(7);
    assertThat(witness().last().orElseThrow().size()).isEqualTo(7);
    // an older, consistent checkpoint is accepted and does not replace the newer one
    LogWitness again = witness();
    again.acceptAllow(l.receipt(0, 3), a.envelope(), a.id(), l.proofs());
    assertThat(again.last().orElseThrow().size()).isEqualTo(7);
  }

  @Test
  void acceptAllow_receiptForAnotherEnvelopeOrId_refusedReceiptInvalid() throws Exception {
    Log l = new Log();
    Writ a = l.add("allow");
    Writ other = Writ.random();
    LogWitness w = witness();

    assertThat(refusal(() -> w.acceptAllow(l.receipt(0, 1), other.envelope(), a.id(), l.proofs())))
        .isEqualTo(Reason.RECEIPT_INVALID);
    assertThat(refusal(() -> w.acceptAllow(l.receipt(0, 1), a.envelope(), other.id(), l.proofs())))
        .isEqualTo(Reason.RECEIPT_INVALID);
    assertThat(w.last()).isEmpty();
  }

  @Test
  void acceptAllow_denyRecord_refusedReceiptInvalid() throws Exception {
    Log l = new Log();
    Writ d = l.add("deny");

    assertThat(
            refusal(() -> witness().acceptAllow(l.receipt(0, 1), d.envelope(), d.id(), l.proofs())))
        .isEqualTo(Reason.RECEIPT_INVALID);
  }

  @Test
  void acceptAllow_forgedInclusionProofOrForeignKey_refusedReceiptInvalid() throws Exception {
    Log l = new Log();
    l.add("allow");
    Writ b = l.add("allow");
    l.add("allow");
    String honest = l.receipt(1, 3);
    String first = Base64.getEncoder().encodeToString(l.log.inclusionProof(1, 3).getFirst());
    byte[] forgedHash = l.log.inclusionProof(1, 3).getFirst();
    forgedHash[0] ^= 1;
    String forged = honest.replace(first, Base64.getEncoder().encodeToString(forgedHash));
    assertThat(forged).isNotEqualTo(honest);
    LogKeySigner stranger = LogKeySigner.generate(ORIGIN, RANDOM);
    LogWitness foreign = LogWitness.open(stranger.verifierKey(), dir.resolve("foreign"));

    assertThat(refusal(() -> witness().acceptAllow(forged, b.envelope(), b.id(), l.proofs())))
        .isEqualTo(Reason.RECEIPT_INVALID);
    assertThat(refusal(() -> foreign.acceptAllow(honest, b.envelope(), b.id(), l.proofs())))
        .isEqualTo(Reason.RECEIPT_INVALID);
  }

  @Test
  void acceptAllow_forkedLogSignedByTheSameKey_refusedLogInconsistent() throws Exception {
    Log honest = new Log();
    Writ a = honest.add("allow");
    honest.add("allow");
    LogWitness w = witness();
    w.acceptAllow(honest.receipt(0, 2), a.envelope(), a.id(), honest.proofs());
    // a fork: same first leaf, a different second one, then more
    Log fork = new Log();
    fork.log.append(honest.log.entry(0));
    fork.add("allow");
    Writ c = fork.add("allow");

    assertThat(
            refusal(() -> w.acceptAllow(fork.receipt(2, 3), c.envelope(), c.id(), fork.proofs())))
        .isEqualTo(Reason.LOG_INCONSISTENT);
    assertThat(w.last().orElseThrow().size()).isEqualTo(2);
    // the same size with another root is a fork too
    Writ f1 = fork.writs.getFirst();
    assertThat(
            refusal(() -> w.acceptAllow(fork.receipt(1, 2), f1.envelope(), f1.id(), fork.proofs())))
        .isEqualTo(Reason.LOG_INCONSISTENT);
  }

  @Test
  void observe_pingCheckpoints_checkedLikeReceipts() throws Exception {
    Log l = new Log();
    l.add("allow");
    LogWitness w = witness();
    w.observe(l.note(1), l.proofs());
    l.add("allow");
    w.observe(l.note(2), l.proofs());
    assertThat(w.last().orElseThrow().size()).isEqualTo(2);
    LogKeySigner stranger = LogKeySigner.generate(ORIGIN, RANDOM);
    String foreignNote =
        new String(
            stranger.sign(Checkpoint.of(ORIGIN, 2, l.log.root(2), List.of()).format()),
            StandardCharsets.UTF_8);

    assertThat(refusal(() -> w.observe(foreignNote, l.proofs()))).isEqualTo(Reason.RECEIPT_INVALID);
  }

  @Test
  void acceptAllow_proofUnavailable_nothingDecidedNothingKept() throws Exception {
    Log l = new Log();
    Writ a = l.add("allow");
    LogWitness w = witness();
    w.acceptAllow(l.receipt(0, 1), a.envelope(), a.id(), l.proofs());
    Writ b = l.add("allow");

    assertThatThrownBy(
            () ->
                w.acceptAllow(
                    l.receipt(1, 2),
                    b.envelope(),
                    b.id(),
                    (x, y) -> {
                      throw new IOException("server unreachable");
                    }))
        .isInstanceOf(IOException.class);
    assertThat(w.last().orElseThrow().size()).isEqualTo(1);
  }

  @Test
  void open_keptFileNotSignedByTheKey_refused() throws Exception {
    Log l = new Log();
    l.add("allow");
    witness().observe(l.note(1), l.proofs());
    Path file = dir.resolve("checkpoint");
    Files.writeString(file, Files.readString(file).replace(ORIGIN + "\n1\n", ORIGIN + "\n9\n"));

    assertThatThrownBy(this::witness)
        .isInstanceOf(IOException.class)
        .hasMessageContaining("signed by the pinned log key");
  }
}
