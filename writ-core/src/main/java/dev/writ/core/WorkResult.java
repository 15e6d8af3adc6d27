package dev.writ.core;

import dev.writ.core.json.CanonicalJson;
import dev.writ.core.json.JsonException;
import dev.writ.core.json.JsonLimits;
import dev.writ.core.json.JsonReader;
import dev.writ.core.json.JsonValue;
import dev.writ.core.json.JsonValue.JsonInteger;
import dev.writ.core.json.JsonValue.JsonObject;
import dev.writ.core.json.JsonValue.JsonString;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * What an agent reports for one work item (docs/spec/work.md section 7): the RFC 8785 canonical
 * JSON document the node signs. Either {@code done} (with what execution did, for {@code execute})
 * or {@code refused} with the reason code of the check that failed. Parsing is strict: canonical
 * bytes, known members only, each of its type, at most {@link #MAX_BYTES}.
 *
 * <p>Immutable and thread-safe.
 *
 * @param id the writ id, when the envelope parsed far enough to have one
 * @param envelopeSha256 SHA-256 of the exact envelope bytes delivered, 64 lowercase hex digits
 * @param cap the capability, when known
 * @param node the reporting node's SPIFFE ID
 * @param reason empty for {@code done}; the refusal's code for {@code refused}
 * @param time when the agent decided, Unix seconds
 * @param exec what running the content did ({@code execute} and {@code done} only)
 */
public record WorkResult(
    Optional<WritId> id,
    String envelopeSha256,
    Optional<Capability> cap,
    SpiffeId node,
    Optional<Reason> reason,
    Instant time,
    Optional<Execution> exec) {

  /** A result document is a few hundred bytes. */
  public static final int MAX_BYTES = 4096;

  public static final long VERSION = 1;

  private static final Ascii UPPER = Ascii.of("A-Z");
  private static final Ascii OUTCOME = Ascii.of("A-Z_");

  private static final Set<String> FIELDS =
      Set.of("v", "id", "envelope_sha256", "cap", "node", "decision", "reason", "time", "exec");
  private static final Set<String> EXEC_FIELDS =
      Set.of(
          "exit",
          "outcome",
          "stdout_sha256",
          "stdout_bytes",
          "stderr_sha256",
          "stderr_bytes",
          "wall_ms",
          "fuel");
  private static final JsonReader READER =
      new JsonReader(new JsonLimits(MAX_BYTES, 2, 512, 16), JsonReader.Mode.INTEGERS_ONLY);

  /**
   * What running the content did.
   *
   * @param exit the exit status (negative: none, the run was stopped)
   * @param outcome the sandbox's outcome code, {@code [A-Z][A-Z_]{0,31}} (sandbox.md)
   * @param stdoutSha256 SHA-256 of the whole standard output, hex
   * @param stdoutBytes its length
   * @param stderrSha256 SHA-256 of the whole standard error, hex
   * @param stderrBytes its length
   * @param wallMillis the run's wall-clock time
   * @param fuel instructions used ({@code wasm} tier), if counted
   */
  public record Execution(
      long exit,
      String outcome,
      String stdoutSha256,
      long stdoutBytes,
      String stderrSha256,
      long stderrBytes,
      long wallMillis,
      Optional<Long> fuel) {
    public Execution {
      if (!OUTCOME.word(outcome, UPPER, 32)) {
        throw new IllegalArgumentException("an outcome is [A-Z][A-Z_]{0,31}");
      }
      requireHex(stdoutSha256, "stdout_sha256");
      requireHex(stderrSha256, "stderr_sha256");
      if (stdoutBytes < 0 || stderrBytes < 0 || wallMillis < 0 || fuel.orElse(0L) < 0) {
        throw new IllegalArgumentException("sizes, times and fuel are not negative");
      }
    }
  }

  public WorkResult {
    Objects.requireNonNull(id, "id");
    requireHex(envelopeSha256, "envelope_sha256");
    Objects.requireNonNull(cap, "cap");
    Objects.requireNonNull(node, "node");
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(exec, "exec");
    if (time.getEpochSecond() < 0 || time.getNano() != 0) {
      throw new IllegalArgumentException("time is whole non-negative Unix seconds");
    }
    if (reason.isPresent() && exec.isPresent()) {
      throw new IllegalArgumentException("a refused item did not run");
    }
    if (exec.isPresent() && cap.orElse(null) != Capability.EXECUTE) {
      throw new IllegalArgumentException("only an execute result has exec");
    }
    if (reason.isEmpty() && (id.isEmpty() || cap.isEmpty())) {
      throw new IllegalArgumentException("a done result names the writ and its capability");
    }
  }

  /** {@code done} or {@code refused}. */
  public String decision() {
    return reason.isEmpty() ? "done" : "refused";
  }

  /** The canonical bytes: what the node signs and the log records. */
  public byte[] toCanonicalBytes() {
    Map<String, JsonValue> m = new LinkedHashMap<>();
    m.put("v", new JsonInteger(VERSION));
    id.ifPresent(i -> m.put("id", new JsonString(i.hex())));
    m.put("envelope_sha256", new JsonString(envelopeSha256));
    cap.ifPresent(c -> m.put("cap", new JsonString(c.wire())));
    m.put("node", new JsonString(node.toString()));
    m.put("decision", new JsonString(decision()));
    reason.ifPresent(r -> m.put("reason", new JsonString(r.name())));
    m.put("time", new JsonInteger(time.getEpochSecond()));
    exec.ifPresent(
        e -> {
          Map<String, JsonValue> x = new LinkedHashMap<>();
          x.put("exit", new JsonInteger(e.exit()));
          x.put("outcome", new JsonString(e.outcome()));
          x.put("stdout_sha256", new JsonString(e.stdoutSha256()));
          x.put("stdout_bytes", new JsonInteger(e.stdoutBytes()));
          x.put("stderr_sha256", new JsonString(e.stderrSha256()));
          x.put("stderr_bytes", new JsonInteger(e.stderrBytes()));
          x.put("wall_ms", new JsonInteger(e.wallMillis()));
          e.fuel().ifPresent(f -> x.put("fuel", new JsonInteger(f)));
          m.put("exec", new JsonObject(x));
        });
    return CanonicalJson.write(new JsonObject(m));
  }

  /**
   * Parses a result document strictly.
   *
   * @throws WritDeniedException {@code OVERSIZE}, {@code NON_CANONICAL}, {@code MALFORMED} (bad
   *     JSON, a wrong type or value, a broken rule), {@code UNKNOWN_FIELD} or {@code
   *     UNSUPPORTED_VERSION}
   */
  public static WorkResult parse(byte[] bytes) throws WritDeniedException {
    if (bytes.length > MAX_BYTES) {
      throw new WritDeniedException(Reason.OVERSIZE, "a result is at most " + MAX_BYTES + " bytes");
    }
    JsonValue value;
    try {
      value = READER.readCanonical(bytes);
    } catch (JsonException e) {
      throw new WritDeniedException(
          switch (e.kind()) {
            case NON_CANONICAL -> Reason.NON_CANONICAL;
            case LIMIT -> Reason.OVERSIZE;
            case MALFORMED -> Reason.MALFORMED;
          },
          "the result is not canonical JSON: " + e.getMessage(),
          e);
    }
    Fields f = Fields.of("result", value);
    long v = f.integer("v");
    if (v != VERSION) {
      throw new WritDeniedException(Reason.UNSUPPORTED_VERSION, "result version " + v);
    }
    f.onlyKnown(FIELDS);
    try {
      Optional<WritId> id =
          f.has("id") ? Optional.of(WritId.parse(f.string("id"))) : Optional.empty();
      Optional<Capability> cap = Optional.empty();
      if (f.has("cap")) {
        String c = f.string("cap");
        cap = Optional.of(Capability.fromWire(c).orElseThrow(() -> malformed("unknown cap " + c)));
      }
      String decision = f.string("decision");
      Optional<Reason> reason = Optional.empty();
      if (f.has("reason")) {
        String r = f.string("reason");
        try {
          reason = Optional.of(Reason.valueOf(r));
        } catch (IllegalArgumentException e) {
          throw malformed("unknown reason code " + r);
        }
      }
      if (!decision.equals(reason.isEmpty() ? "done" : "refused")) {
        throw malformed("decision is done without a reason, refused with one");
      }
      Optional<Execution> exec = Optional.empty();
      if (f.has("exec")) {
        Fields x = f.object("exec").onlyKnown(EXEC_FIELDS);
        exec =
            Optional.of(
                new Execution(
                    x.integer("exit"),
                    x.string("outcome"),
                    x.string("stdout_sha256"),
                    x.nonNegative("stdout_bytes"),
                    x.string("stderr_sha256"),
                    x.nonNegative("stderr_bytes"),
                    x.nonNegative("wall_ms"),
                    x.has("fuel") ? Optional.of(x.nonNegative("fuel")) : Optional.empty()));
      }
      return new WorkResult(
          id,
          f.string("envelope_sha256"),
          cap,
          SpiffeId.parse(f.string("node")),
          reason,
          Instant.ofEpochSecond(f.nonNegative("time")),
          exec);
    } catch (IllegalArgumentException e) {
      throw malformed(e.getMessage());
    }
  }

  private static void requireHex(String s, String name) {
    if (!Ascii.prefixedHex(s, "", 64)) {
      throw new IllegalArgumentException(name + " is 64 lowercase hex digits");
    }
  }

  private static WritDeniedException malformed(String detail) {
    return new WritDeniedException(Reason.MALFORMED, detail);
  }
}
