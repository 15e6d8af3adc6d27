package dev.writ.state;

import dev.writ.core.WritId;
import dev.writ.core.json.CanonicalJson;
import dev.writ.core.json.JsonException;
import dev.writ.core.json.JsonLimits;
import dev.writ.core.json.JsonReader;
import dev.writ.core.json.JsonValue;
import dev.writ.core.json.JsonValue.JsonInteger;
import dev.writ.core.json.JsonValue.JsonObject;
import dev.writ.core.json.JsonValue.JsonString;
import dev.writ.log.AppendOnlyLog;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;

/**
 * The snapshot file: canonical JSON lines. Version 2 (written): a header {@code
 * {"entries":N,"format":"writ-state/spent-notes","leaves":L,"log_time":T,"v":2}}, then N lines
 * {@code {"id":…,"retain_until":…}} in strictly increasing id order, then L lines that are each
 * exactly the bytes of audit leaf 0, 1, … L-1 (docs/spec/log.md, "Decision records (leaves)"), then
 * then (version 3) the registry: P pending-enrollment lines {@code {"expires","id","node"}}, N node
 * lines (a registration's members plus {@code enrolled_at}, {@code enrolled_by}, {@code
 * previous_not_after} and optional {@code previous_serial}) in node order, R lines {@code
 * {"serial"}} in serial order, with P, N, R and the revocation {@code epoch} in the header; then
 * end of file. Version 2 is version 3 without the registry. Version 1 (read only, written before
 * audit leaves existed) has no {@code leaves} field and no leaf lines and loads with no leaves; any
 * other version is refused. Reading is as strict as command decoding: any deviation fails the load
 * rather than starting with a partial ledger.
 */
final class SnapshotFormat {
  static final String FORMAT = "writ-state/spent-notes";

  /** The version this build writes. */
  static final int VERSION = 3;

  /** One line is under 400 bytes (a leaf is the longest); 512 bounds the line reader. */
  static final int MAX_LINE_BYTES = 512;

  private static final JsonReader READER =
      new JsonReader(new JsonLimits(MAX_LINE_BYTES, 1, 64, 16), JsonReader.Mode.INTEGERS_ONLY);

  /** A node line holds a registration: under the command limit (CommandCodec.LIMITS). */
  static final int MAX_REGISTRY_LINE_BYTES = 16384;

  private static final JsonReader REGISTRY_READER =
      new JsonReader(
          new JsonLimits(MAX_REGISTRY_LINE_BYTES, 2, 256, 64), JsonReader.Mode.INTEGERS_ONLY);

  private static final Set<String> NODE_REQUIRED = nodeRequired();

  private static Set<String> nodeRequired() {
    Set<String> s = new java.util.HashSet<>(RegistryJson.REGISTRATION);
    s.addAll(Set.of("previous_not_after", "enrolled_by", "enrolled_at"));
    return Set.copyOf(s);
  }

  private static final Set<String> LEAF_REQUIRED =
      Set.of("v", "envelope_sha256", "decision", "time", "index");
  private static final Set<String> LEAF_ALLOWED =
      Set.of("v", "id", "envelope_sha256", "cap", "decision", "reason", "time", "index");

  private SnapshotFormat() {}

  static void write(
      OutputStream out, long logTime, NavigableMap<WritId, Long> notes, List<byte[]> leaves)
      throws IOException {
    AppendOnlyLog log = new AppendOnlyLog();
    for (byte[] leaf : leaves) {
      log.append(leaf);
    }
    write(out, logTime, notes, log, new NodeRegistry());
  }

  /** Writes a snapshot of {@code notes} and every leaf of {@code log} (up to its size now). */
  static void write(
      OutputStream out,
      long logTime,
      NavigableMap<WritId, Long> notes,
      AppendOnlyLog log,
      NodeRegistry registry)
      throws IOException {
    long size = log.size();
    Map<String, JsonValue> header = new LinkedHashMap<>();
    header.put("v", new JsonInteger(VERSION));
    header.put("format", new JsonString(FORMAT));
    header.put("entries", new JsonInteger(notes.size()));
    header.put("leaves", new JsonInteger(size));
    header.put("log_time", new JsonInteger(logTime));
    header.put("pending", new JsonInteger(registry.pendingEntries().size()));
    header.put("nodes", new JsonInteger(registry.nodeEntries().size()));
    header.put("revoked", new JsonInteger(registry.revokedSerials().size()));
    header.put("epoch", new JsonInteger(registry.epoch()));
    line(out, CanonicalJson.write(new JsonObject(header)));
    for (Map.Entry<WritId, Long> e : notes.entrySet()) {
      Map<String, JsonValue> m = new LinkedHashMap<>();
      m.put("id", new JsonString(e.getKey().hex()));
      m.put("retain_until", new JsonInteger(e.getValue()));
      line(out, CanonicalJson.write(new JsonObject(m)));
    }
    for (long i = 0; i < size; i++) {
      line(out, log.entry(i));
    }
    for (PendingEnrollment p : registry.pendingEntries().values()) {
      Map<String, JsonValue> m = new LinkedHashMap<>();
      m.put("id", new JsonString(p.id().hex()));
      m.put("node", new JsonString(p.node().toString()));
      m.put("expires", new JsonInteger(p.expires()));
      line(out, CanonicalJson.write(new JsonObject(m)));
    }
    for (NodeRecord r : registry.nodeEntries().values()) {
      Map<String, JsonValue> m = new LinkedHashMap<>();
      RegistryJson.putRegistration(m, r.registration());
      r.previousSerial().ifPresent(p -> m.put("previous_serial", new JsonString(p)));
      m.put("previous_not_after", new JsonInteger(r.previousNotAfter()));
      m.put("enrolled_by", new JsonString(r.enrolledBy().hex()));
      m.put("enrolled_at", new JsonInteger(r.enrolledAt()));
      line(out, CanonicalJson.write(new JsonObject(m)));
    }
    for (String serial : registry.revokedSerials()) {
      line(out, CanonicalJson.write(new JsonObject(Map.of("serial", new JsonString(serial)))));
    }
  }

  /** The registry part of a snapshot; empty for versions 1 and 2. */
  record LoadedRegistry(
      List<PendingEnrollment> pending, List<NodeRecord> nodes, List<String> revoked, long epoch) {
    static LoadedRegistry empty() {
      return new LoadedRegistry(List.of(), List.of(), List.of(), 0);
    }
  }

  private static void line(OutputStream out, byte[] bytes) throws IOException {
    out.write(bytes);
    out.write('\n');
  }

  /** The loaded state: log time, notes by id and the audit leaves in log order. */
  record Loaded(
      long logTime,
      NavigableMap<WritId, Long> notes,
      List<byte[]> leaves,
      LoadedRegistry registry) {}

  static Loaded read(InputStream in) throws IOException {
    JsonObject header = parse(readLine(in));
    if (header == null || !(header.members().get("v") instanceof JsonInteger(long version))) {
      throw new IOException("snapshot header has no integer version");
    }
    if (version == 1) {
      fields(header, Set.of("v", "format", "entries", "log_time"));
    } else if (version == 2) {
      fields(header, Set.of("v", "format", "entries", "leaves", "log_time"));
    } else if (version == VERSION) {
      fields(
          header,
          Set.of(
              "v",
              "format",
              "entries",
              "leaves",
              "log_time",
              "pending",
              "nodes",
              "revoked",
              "epoch"));
    } else {
      throw new IOException(
          "unsupported snapshot version " + version + " (this build reads 1, 2, 3)");
    }
    if (!FORMAT.equals(string(header, "format"))) {
      throw new IOException("not a " + FORMAT + " snapshot");
    }
    long entries = integer(header, "entries");
    long leafCount = version == 1 ? 0 : integer(header, "leaves");
    long logTime = integer(header, "log_time");
    if (entries < 0 || leafCount < 0 || logTime < 0) {
      throw new IOException("negative count or log_time in snapshot header");
    }
    NavigableMap<WritId, Long> notes = new TreeMap<>();
    for (long i = 0; i < entries; i++) {
      JsonObject note = parse(readLine(in));
      if (note == null) {
        throw new IOException("snapshot ends after " + i + " of " + entries + " entries");
      }
      fields(note, Set.of("id", "retain_until"));
      WritId id;
      try {
        id = new WritId(string(note, "id"));
      } catch (IllegalArgumentException e) {
        throw new IOException("bad id in snapshot entry " + i, e);
      }
      if (!notes.isEmpty() && notes.lastKey().compareTo(id) >= 0) {
        throw new IOException("snapshot entries are not in strictly increasing id order");
      }
      long retainUntil = integer(note, "retain_until");
      if (retainUntil < 0) {
        throw new IOException("negative retain_until in snapshot entry " + i);
      }
      notes.put(id, retainUntil);
    }
    List<byte[]> leaves = new ArrayList<>();
    for (long i = 0; i < leafCount; i++) {
      byte[] bytes = readLine(in);
      if (bytes == null) {
        throw new IOException("snapshot ends after " + i + " of " + leafCount + " leaves");
      }
      checkLeaf(parse(bytes), i);
      leaves.add(bytes);
    }
    LoadedRegistry registry =
        version == VERSION ? readRegistry(in, header) : LoadedRegistry.empty();
    if (readLine(in, MAX_LINE_BYTES) != null) {
      throw new IOException("snapshot has lines after its last section");
    }
    return new Loaded(logTime, notes, leaves, registry);
  }

  private static LoadedRegistry readRegistry(InputStream in, JsonObject header) throws IOException {
    long pendingCount = integer(header, "pending");
    long nodeCount = integer(header, "nodes");
    long revokedCount = integer(header, "revoked");
    long epoch = integer(header, "epoch");
    if (pendingCount < 0 || nodeCount < 0 || revokedCount < 0 || epoch < 0) {
      throw new IOException("negative registry count or epoch in snapshot header");
    }
    List<PendingEnrollment> pending = new ArrayList<>();
    List<NodeRecord> nodes = new ArrayList<>();
    List<String> revoked = new ArrayList<>();
    try {
      for (long i = 0; i < pendingCount; i++) {
        JsonObject o = registryLine(in, "pending enrollment " + i);
        fields(o, Set.of("id", "node", "expires"));
        pending.add(
            new PendingEnrollment(
                RegistryJson.writId(string(o, "id")),
                RegistryJson.node(string(o, "node")),
                integer(o, "expires")));
      }
      for (long i = 0; i < nodeCount; i++) {
        JsonObject o = registryLine(in, "node " + i);
        if (!RegistryJson.hasFields(o, NODE_REQUIRED, Set.of("kind", "previous_serial"))) {
          throw new IOException("snapshot node " + i + " has the wrong fields");
        }
        java.util.Optional<String> previous =
            o.members().containsKey("previous_serial")
                ? java.util.Optional.of(string(o, "previous_serial"))
                : java.util.Optional.empty();
        nodes.add(
            new NodeRecord(
                RegistryJson.registration(o),
                previous,
                integer(o, "previous_not_after"),
                RegistryJson.writId(string(o, "enrolled_by")),
                integer(o, "enrolled_at")));
      }
      for (long i = 0; i < revokedCount; i++) {
        JsonObject o = registryLine(in, "revoked serial " + i);
        fields(o, Set.of("serial"));
        String serial = string(o, "serial");
        NodeRegistration.checkSerial(serial);
        revoked.add(serial);
      }
    } catch (IllegalArgumentException e) {
      throw new IOException("bad registry line in snapshot: " + e.getMessage(), e);
    }
    return new LoadedRegistry(pending, nodes, revoked, epoch);
  }

  private static JsonObject registryLine(InputStream in, String what) throws IOException {
    byte[] bytes = readLine(in, MAX_REGISTRY_LINE_BYTES);
    if (bytes == null) {
      throw new IOException("snapshot ends before " + what);
    }
    try {
      if (REGISTRY_READER.readCanonical(bytes) instanceof JsonObject o) {
        return o;
      }
    } catch (JsonException e) {
      throw new IOException("snapshot " + what + " is not canonical JSON", e);
    }
    throw new IOException("snapshot " + what + " is not an object");
  }

  private static void checkLeaf(JsonObject leaf, long position) throws IOException {
    if (!leaf.members().keySet().containsAll(LEAF_REQUIRED)
        || !LEAF_ALLOWED.containsAll(leaf.members().keySet())) {
      throw new IOException("snapshot leaf " + position + " has the wrong fields");
    }
    if (integer(leaf, "v") != DecisionRecords.VERSION || integer(leaf, "index") != position) {
      throw new IOException("snapshot leaf " + position + " has a wrong version or index");
    }
    String decision = string(leaf, "decision");
    if (!DecisionRecords.ALLOW.equals(decision) && !DecisionRecords.DENY.equals(decision)) {
      throw new IOException("snapshot leaf " + position + " has an unknown decision");
    }
  }

  /** The next line's bytes without its newline, or null at a clean end of file. */
  private static byte[] readLine(InputStream in) throws IOException {
    return readLine(in, MAX_LINE_BYTES);
  }

  private static byte[] readLine(InputStream in, int max) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) != '\n') {
      if (b == -1) {
        if (line.size() == 0) {
          return null;
        }
        throw new IOException("snapshot line without a newline");
      }
      if (line.size() >= max) {
        throw new IOException("snapshot line over " + max + " bytes");
      }
      line.write(b);
    }
    return line.toByteArray();
  }

  /** {@code line} as a canonical object, or null for null. */
  private static JsonObject parse(byte[] line) throws IOException {
    if (line == null) {
      return null;
    }
    try {
      if (READER.readCanonical(line) instanceof JsonObject o) {
        return o;
      }
    } catch (JsonException e) {
      throw new IOException("snapshot line is not canonical JSON", e);
    }
    throw new IOException("snapshot line is not an object");
  }

  private static void fields(JsonObject o, Set<String> expected) throws IOException {
    if (!o.members().keySet().equals(expected)) {
      throw new IOException("snapshot line fields differ from " + expected);
    }
  }

  private static String string(JsonObject o, String name) throws IOException {
    if (o.members().get(name) instanceof JsonString(String s)) {
      return s;
    }
    throw new IOException(name + " must be a string");
  }

  private static long integer(JsonObject o, String name) throws IOException {
    if (o.members().get(name) instanceof JsonInteger(long n)) {
      return n;
    }
    throw new IOException(name + " must be an integer");
  }
}
