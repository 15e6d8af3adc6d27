package dev.writ.state;

import dev.writ.core.SpiffeId;
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
import java.util.Locale;
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
 * then (version 4) the work registry: O open-request lines (the members of a {@code work_open}
 * command's request) and W work lines (a request's members plus {@code authorized_at}, {@code
 * envelope} in base64, {@code leaf} and {@code items}, an array of {@code {"node","result"?,
 * "state"}}), each in id order, with O and W in the header; then end of file. In version 4 a leaf
 * line may also be a result record (docs/spec/log.md section 13). Version 3 is version 4 without
 * the work registry; version 2 is version 3 without the registry. Version 1 (read only, written
 * before audit leaves existed) has no {@code leaves} field and no leaf lines and loads with no
 * leaves; any other version is refused. Reading is as strict as command decoding: any deviation
 * fails the load rather than starting with a partial ledger.
 */
final class SnapshotFormat {
  static final String FORMAT = "writ-state/spent-notes";

  /** The version this build writes. */
  static final int VERSION = 4;

  /** One line is under 400 bytes (a leaf is the longest); 512 bounds the line reader. */
  static final int MAX_LINE_BYTES = 512;

  private static final JsonReader READER =
      new JsonReader(new JsonLimits(MAX_LINE_BYTES, 1, 64, 16), JsonReader.Mode.INTEGERS_ONLY);

  /** A node line holds a registration: under the command limit (CommandCodec.LIMITS). */
  static final int MAX_REGISTRY_LINE_BYTES = 16384;

  private static final JsonReader REGISTRY_READER =
      new JsonReader(
          new JsonLimits(MAX_REGISTRY_LINE_BYTES, 2, 256, 64), JsonReader.Mode.INTEGERS_ONLY);

  /** A result record is at most {@link ResultRecords#MAX_BYTES}; decision records are shorter. */
  private static final JsonReader LEAF_READER =
      new JsonReader(
          new JsonLimits(ResultRecords.MAX_BYTES, 1, ResultRecords.MAX_BYTES, 16),
          JsonReader.Mode.INTEGERS_ONLY);

  private static final Set<String> RESULT_LEAF =
      Set.of("v", "kind", "index", "time", "node", "result", "signature", "cert");

  /** A work line: a 32 KiB envelope in base64 and 64 targets twice, at most 2 KiB each. */
  static final int MAX_WORK_LINE_BYTES = 512 * 1024;

  private static final JsonReader WORK_READER =
      new JsonReader(
          new JsonLimits(MAX_WORK_LINE_BYTES, 3, 49152, 80), JsonReader.Mode.INTEGERS_ONLY);

  private static final Set<String> WORK_EXTRA =
      Set.of("authorized_at", "envelope", "leaf", "items");

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

  private static final Set<String> V3_HEADER =
      Set.of(
          "v", "format", "entries", "leaves", "log_time", "pending", "nodes", "revoked", "epoch");

  private SnapshotFormat() {}

  static void write(
      OutputStream out, long logTime, NavigableMap<WritId, Long> notes, List<byte[]> leaves)
      throws IOException {
    AppendOnlyLog log = new AppendOnlyLog();
    for (byte[] leaf : leaves) {
      log.append(leaf);
    }
    write(out, logTime, notes, log, new NodeRegistry(), new WorkRegistry());
  }

  /** Writes a snapshot of {@code notes} and every leaf of {@code log} (up to its size now). */
  static void write(
      OutputStream out,
      long logTime,
      NavigableMap<WritId, Long> notes,
      AppendOnlyLog log,
      NodeRegistry registry,
      WorkRegistry work)
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
    List<WorkRequest> open = work.openEntries();
    List<WorkRegistry.Work> works = work.workEntries();
    header.put("open", new JsonInteger(open.size()));
    header.put("work", new JsonInteger(works.size()));
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
    for (WorkRequest r : open) {
      Map<String, JsonValue> m = new LinkedHashMap<>();
      WorkJson.putRequest(m, r);
      line(out, CanonicalJson.write(new JsonObject(m)));
    }
    for (WorkRegistry.Work w : works) {
      Map<String, JsonValue> m = new LinkedHashMap<>();
      WorkJson.putRequest(m, w.request());
      m.put("authorized_at", new JsonInteger(w.authorizedAt()));
      m.put("envelope", WorkJson.base64(w.envelopeBytes()));
      m.put("leaf", new JsonInteger(w.leafIndex()));
      List<JsonValue> items = new ArrayList<>();
      w.items()
          .forEach(
              (node, item) -> {
                Map<String, JsonValue> i = new LinkedHashMap<>();
                i.put("node", new JsonString(node.toString()));
                i.put("state", new JsonString(item.state().name().toLowerCase(Locale.ROOT)));
                item.resultLeaf().ifPresent(n -> i.put("result", new JsonInteger(n)));
                items.add(new JsonObject(i));
              });
      m.put("items", new JsonValue.JsonArray(items));
      line(out, CanonicalJson.write(new JsonObject(m)));
    }
  }

  /** The work part of a snapshot; empty before version 4. */
  record LoadedWork(List<WorkRequest> open, List<WorkRegistry.Work> work) {
    static LoadedWork empty() {
      return new LoadedWork(List.of(), List.of());
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
      LoadedRegistry registry,
      LoadedWork work) {}

  static Loaded read(InputStream in) throws IOException {
    JsonObject header = parse(readLine(in));
    if (header == null || !(header.members().get("v") instanceof JsonInteger(long version))) {
      throw new IOException("snapshot header has no integer version");
    }
    if (version == 1) {
      fields(header, Set.of("v", "format", "entries", "log_time"));
    } else if (version == 2) {
      fields(header, Set.of("v", "format", "entries", "leaves", "log_time"));
    } else if (version == 3) {
      fields(header, V3_HEADER);
    } else if (version == VERSION) {
      Set<String> v4 = new java.util.HashSet<>(V3_HEADER);
      v4.addAll(Set.of("open", "work"));
      fields(header, v4);
    } else {
      throw new IOException(
          "unsupported snapshot version " + version + " (this build reads 1, 2, 3, 4)");
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
      byte[] bytes = readLine(in, version == VERSION ? ResultRecords.MAX_BYTES : MAX_LINE_BYTES);
      if (bytes == null) {
        throw new IOException("snapshot ends after " + i + " of " + leafCount + " leaves");
      }
      checkLeaf(parseLeaf(bytes), i, version == VERSION);
      leaves.add(bytes);
    }
    LoadedRegistry registry = version >= 3 ? readRegistry(in, header) : LoadedRegistry.empty();
    LoadedWork work = version == VERSION ? readWork(in, header) : LoadedWork.empty();
    if (readLine(in, MAX_LINE_BYTES) != null) {
      throw new IOException("snapshot has lines after its last section");
    }
    return new Loaded(logTime, notes, leaves, registry, work);
  }

  private static LoadedWork readWork(InputStream in, JsonObject header) throws IOException {
    long openCount = integer(header, "open");
    long workCount = integer(header, "work");
    if (openCount < 0
        || openCount > WorkRegistry.MAX_OPEN
        || workCount < 0
        || workCount > WorkRegistry.MAX_WORK + 1L) {
      throw new IOException("work counts out of range in snapshot header");
    }
    List<WorkRequest> open = new ArrayList<>();
    List<WorkRegistry.Work> works = new ArrayList<>();
    try {
      for (long i = 0; i < openCount; i++) {
        JsonObject o = workLine(in, "open request " + i);
        if (!RegistryJson.hasFields(o, WorkJson.REQUEST, WorkJson.REQUEST_OPTIONAL)) {
          throw new IOException("snapshot open request " + i + " has the wrong fields");
        }
        open.add(WorkJson.request(o));
      }
      Set<String> required = new java.util.HashSet<>(WorkJson.REQUEST);
      required.addAll(WORK_EXTRA);
      for (long i = 0; i < workCount; i++) {
        JsonObject o = workLine(in, "work " + i);
        if (!RegistryJson.hasFields(o, required, WorkJson.REQUEST_OPTIONAL)) {
          throw new IOException("snapshot work " + i + " has the wrong fields");
        }
        WorkRequest r = WorkJson.request(o);
        works.add(
            new WorkRegistry.Work(
                r,
                WorkJson.base64(o, "envelope"),
                integer(o, "leaf"),
                integer(o, "authorized_at"),
                items(o, r, i)));
      }
    } catch (IllegalArgumentException e) {
      throw new IOException("bad work line in snapshot: " + e.getMessage(), e);
    }
    return new LoadedWork(open, works);
  }

  private static java.util.SortedMap<SpiffeId, WorkRegistry.Item> items(
      JsonObject o, WorkRequest r, long position) throws IOException {
    if (!(o.members().get("items") instanceof JsonValue.JsonArray(List<JsonValue> elements))) {
      throw new IOException("snapshot work " + position + " has no items array");
    }
    java.util.SortedMap<SpiffeId, WorkRegistry.Item> items = new TreeMap<>();
    for (JsonValue v : elements) {
      if (!(v instanceof JsonObject item)
          || !RegistryJson.hasFields(item, Set.of("node", "state"), Set.of("result"))) {
        throw new IOException("snapshot work " + position + " has a malformed item");
      }
      WorkRegistry.ItemState state =
          switch (string(item, "state")) {
            case "pending" -> WorkRegistry.ItemState.PENDING;
            case "done" -> WorkRegistry.ItemState.DONE;
            case "refused" -> WorkRegistry.ItemState.REFUSED;
            default -> throw new IOException("snapshot work " + position + ": unknown item state");
          };
      java.util.Optional<Long> result =
          item.members().containsKey("result")
              ? java.util.Optional.of(integer(item, "result"))
              : java.util.Optional.empty();
      if ((state == WorkRegistry.ItemState.PENDING) != result.isEmpty()) {
        throw new IOException("snapshot work " + position + ": an answered item names its leaf");
      }
      items.put(RegistryJson.node(string(item, "node")), new WorkRegistry.Item(state, result));
    }
    if (!List.copyOf(items.keySet()).equals(r.targets()) || items.size() != elements.size()) {
      throw new IOException("snapshot work " + position + ": items are not its targets");
    }
    return items;
  }

  private static JsonObject workLine(InputStream in, String what) throws IOException {
    byte[] bytes = readLine(in, MAX_WORK_LINE_BYTES);
    if (bytes == null) {
      throw new IOException("snapshot ends before " + what);
    }
    try {
      if (WORK_READER.readCanonical(bytes) instanceof JsonObject o) {
        return o;
      }
    } catch (JsonException e) {
      throw new IOException("snapshot " + what + " is not canonical JSON", e);
    }
    throw new IOException("snapshot " + what + " is not an object");
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

  private static void checkLeaf(JsonObject leaf, long position, boolean resultsAllowed)
      throws IOException {
    if (resultsAllowed && leaf.members().containsKey("kind")) {
      if (!leaf.members().keySet().equals(RESULT_LEAF)
          || !ResultRecords.KIND.equals(string(leaf, "kind"))
          || integer(leaf, "v") != ResultRecords.VERSION
          || integer(leaf, "index") != position) {
        throw new IOException("snapshot leaf " + position + " is not a result record");
      }
      return;
    }
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

  private static JsonObject parseLeaf(byte[] line) throws IOException {
    try {
      if (LEAF_READER.readCanonical(line) instanceof JsonObject o) {
        return o;
      }
    } catch (JsonException e) {
      throw new IOException("snapshot leaf is not canonical JSON", e);
    }
    throw new IOException("snapshot leaf is not an object");
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
