package dev.writ.server;

import dev.writ.core.json.JsonValue;
import dev.writ.core.json.JsonValue.JsonArray;
import dev.writ.core.json.JsonValue.JsonInteger;
import dev.writ.core.json.JsonValue.JsonObject;
import dev.writ.core.json.JsonValue.JsonString;
import dev.writ.state.AuditLeaf;
import dev.writ.state.AuditLogReader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds the receipt of a committed leaf (docs/spec/api.md section 3): waits until this replica has
 * applied the leaf, checks the replica holds the same bytes at that index, takes a checkpoint
 * covering it and the inclusion proof against that checkpoint's size.
 *
 * <p>Thread-safe.
 */
final class ReceiptIssuer {
  /** The receipt cannot be built: the replica did not apply the leaf in time, or disagrees. */
  static final class ReceiptUnavailableException extends Exception {
    private static final long serialVersionUID = 1L;

    ReceiptUnavailableException(String message) {
      super(message);
    }
  }

  private final AuditLogReader log;
  private final CheckpointSigner checkpoints;
  private final Duration applyTimeout;

  ReceiptIssuer(AuditLogReader log, CheckpointSigner checkpoints, Duration applyTimeout) {
    this.log = log;
    this.checkpoints = checkpoints;
    this.applyTimeout = applyTimeout;
  }

  JsonObject receipt(AuditLeaf leaf) throws ReceiptUnavailableException {
    long index = leaf.index();
    try {
      if (!log.awaitSize(index + 1, applyTimeout)) {
        throw new ReceiptUnavailableException(
            "this replica did not apply leaf " + index + " within " + applyTimeout);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ReceiptUnavailableException("interrupted while waiting for leaf " + index);
    }
    if (!java.util.Arrays.equals(log.entry(index), leaf.bytes())) {
      // replicas apply the same entries in the same order; a difference is a broken replica
      throw new ReceiptUnavailableException("this replica holds other bytes at leaf " + index);
    }
    CheckpointSigner.Signed checkpoint = checkpoints.covering(index + 1);
    List<JsonValue> proof = new ArrayList<>();
    Base64.Encoder b64 = Base64.getEncoder();
    for (byte[] h : log.inclusionProof(index, checkpoint.size())) {
      proof.add(new JsonString(b64.encodeToString(h)));
    }
    Map<String, JsonValue> r = new LinkedHashMap<>();
    r.put("checkpoint", new JsonString(checkpoint.text()));
    r.put("inclusion", new JsonArray(proof));
    r.put("index", new JsonInteger(index));
    r.put("leaf", new JsonString(leaf.base64()));
    return new JsonObject(r);
  }
}
