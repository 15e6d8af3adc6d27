package dev.writ.log;

import dev.writ.core.SpiffeId;
import dev.writ.core.WritDeniedException;
import dev.writ.core.json.JsonException;
import dev.writ.core.json.JsonLimits;
import dev.writ.core.json.JsonReader;
import dev.writ.core.json.JsonValue;
import dev.writ.core.json.JsonValue.JsonInteger;
import dev.writ.core.json.JsonValue.JsonObject;
import dev.writ.core.json.JsonValue.JsonString;
import dev.writ.log.LogVerificationException.Reason;
import java.util.Map;
import java.util.Set;

/**
 * A result record, the audit leaf of an agent's signed answer to a work item (docs/spec/log.md
 * section 13), as {@link #parse} reads it: the RFC 8785 canonical JSON of {@code
 * {"cert","index","kind":"result","node","result","signature","time","v":1}}.
 *
 * <p>Parsing is strict: canonical bytes of at most {@link #MAX_BYTES}, exactly those members, each
 * of its type; {@code v} is 1, {@code kind} is {@code result}, {@code index} and {@code time} are
 * non-negative, {@code node} is a SPIFFE ID, and {@code result}, {@code signature} and {@code cert}
 * are canonical base64. Decision records have no {@code kind}, so neither parser takes the other's
 * leaves.
 *
 * <p>A parsed record proves nothing by itself: {@link Receipt#verifyResult} checks that the log
 * holds it, and whoever reads it checks the certificate against the trust bundle, the signature
 * under the certificate's key and the document's node. Immutable and thread-safe (the byte
 * accessors return copies).
 */
public final class ResultRecord {
  /** The record format version this parser reads. */
  public static final int VERSION = 1;

  /** The value of {@code kind}. */
  public static final String KIND = "result";

  /**
   * The largest result record (log.md section 13): a 4 KiB document and a 4 KiB certificate in
   * base64, a signature and the rest.
   */
  public static final int MAX_BYTES = 16384;

  private static final Set<String> FIELDS =
      Set.of("v", "kind", "index", "time", "node", "result", "signature", "cert");

  /** One flat object of exactly 8 members, no string longer than the record. */
  private static final JsonLimits LIMITS = new JsonLimits(MAX_BYTES, 1, MAX_BYTES, FIELDS.size());

  private static final JsonReader READER = new JsonReader(LIMITS, JsonReader.Mode.INTEGERS_ONLY);

  private final long index;
  private final long time;
  private final SpiffeId node;
  private final byte[] result;
  private final byte[] signature;
  private final byte[] cert;

  private ResultRecord(
      long index, long time, SpiffeId node, byte[] result, byte[] signature, byte[] cert) {
    this.index = index;
    this.time = time;
    this.node = node;
    this.result = result;
    this.signature = signature;
    this.cert = cert;
  }

  /** Parses {@code leaf} or throws {@link Reason#MALFORMED_RECORD}. */
  public static ResultRecord parse(byte[] leaf) throws LogVerificationException {
    if (leaf.length > MAX_BYTES) {
      throw malformed("a result record is at most " + MAX_BYTES + " bytes, got " + leaf.length);
    }
    JsonValue value;
    try {
      value = READER.readCanonical(leaf);
    } catch (JsonException e) {
      throw new LogVerificationException(
          Reason.MALFORMED_RECORD,
          "leaf is not canonical JSON (" + e.kind() + "): " + e.getMessage(),
          e);
    }
    if (!(value instanceof JsonObject object)) {
      throw malformed("leaf is not a JSON object");
    }
    Map<String, JsonValue> m = object.members();
    if (!m.keySet().equals(FIELDS)) {
      throw malformed("a result record has exactly the members " + FIELDS + ", got " + m.keySet());
    }
    if (integer(m, "v") != VERSION) {
      throw malformed("record version is not " + VERSION);
    }
    if (!KIND.equals(string(m, "kind"))) {
      throw malformed("kind is not \"" + KIND + "\"");
    }
    long index = integer(m, "index");
    long time = integer(m, "time");
    if (index < 0 || time < 0) {
      throw malformed("time and index are non-negative");
    }
    SpiffeId node;
    try {
      node = SpiffeId.parse(string(m, "node"));
    } catch (WritDeniedException e) {
      throw new LogVerificationException(
          Reason.MALFORMED_RECORD, "node is not a SPIFFE ID: " + e.detail(), e);
    }
    return new ResultRecord(
        index, time, node, base64(m, "result"), base64(m, "signature"), base64(m, "cert"));
  }

  /** The leaf's own position in the log. */
  public long index() {
    return index;
  }

  /** Unix seconds: when the server recorded the result (the proposer's time). */
  public long time() {
    return time;
  }

  /** The SPIFFE ID of the node that signed, as the server recorded it (not yet verified). */
  public SpiffeId node() {
    return node;
  }

  /** A copy of the exact {@code WorkResult} document bytes the node signed. */
  public byte[] result() {
    return result.clone();
  }

  /** A copy of the node's signature over {@code "writ-result-v1" || 0x00 || result}. */
  public byte[] signature() {
    return signature.clone();
  }

  /** A copy of the DER leaf certificate of the SVID the server verified the signature with. */
  public byte[] cert() {
    return cert.clone();
  }

  @Override
  public String toString() {
    return "ResultRecord[index=" + index + ", time=" + time + ", node=" + node + "]";
  }

  private static long integer(Map<String, JsonValue> m, String name)
      throws LogVerificationException {
    if (m.get(name) instanceof JsonInteger(long n)) {
      return n;
    }
    throw malformed(name + " is not an integer");
  }

  private static String string(Map<String, JsonValue> m, String name)
      throws LogVerificationException {
    if (m.get(name) instanceof JsonString(String s)) {
      return s;
    }
    throw malformed(name + " is not a string");
  }

  private static byte[] base64(Map<String, JsonValue> m, String name)
      throws LogVerificationException {
    return Text.base64(string(m, name))
        .orElseThrow(() -> malformed(name + " is not canonical base64"));
  }

  private static LogVerificationException malformed(String detail) {
    return new LogVerificationException(Reason.MALFORMED_RECORD, detail);
  }
}
