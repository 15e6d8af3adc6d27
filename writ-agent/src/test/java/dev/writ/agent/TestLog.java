package dev.writ.agent;

import dev.writ.core.WritId;
import dev.writ.log.AppendOnlyLog;
import dev.writ.log.Checkpoint;
import dev.writ.log.LogKeySigner;
import dev.writ.log.Receipt;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * A real in-memory audit log signed by a real log key, as a server keeps it: decision leaves of
 * log.md section 10, checkpoints, receipts and consistency proofs. For tests.
 */
final class TestLog {
  static final String ORIGIN = "writ.test/log";

  final AppendOnlyLog log = new AppendOnlyLog();
  private final LogKeySigner signer;

  TestLog(LogKeySigner signer) {
    this.signer = signer;
  }

  /** Appends the decision leaf of {@code envelope} (writ {@code id}); returns its index. */
  int add(WritId id, byte[] envelope, String decision) {
    int index = Math.toIntExact(log.size());
    String record =
        "{\"cap\":\"execute\",\"decision\":\""
            + decision
            + "\",\"envelope_sha256\":\""
            + sha256Hex(envelope)
            + "\",\"id\":\""
            + id.hex()
            + "\",\"index\":"
            + index
            + ","
            + ("deny".equals(decision) ? "\"reason\":\"SPENT\"," : "")
            + "\"time\":1893456000,\"v\":1}";
    log.append(record.getBytes(StandardCharsets.UTF_8));
    return index;
  }

  String note(long size) {
    return new String(
        signer.sign(Checkpoint.of(ORIGIN, size, log.root(size), List.of()).format()),
        StandardCharsets.UTF_8);
  }

  String receipt(int index, long size) {
    return new String(
        Receipt.encode(
            note(size).getBytes(StandardCharsets.UTF_8),
            log.inclusionProof(index, size),
            index,
            log.entry(index)),
        StandardCharsets.UTF_8);
  }

  /** The receipt of leaf {@code index} in the whole current tree. */
  String receipt(int index) {
    return receipt(index, log.size());
  }

  LogWitness.Proofs proofs() {
    return log::consistencyProof;
  }

  static String sha256Hex(byte[] b) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }
}
