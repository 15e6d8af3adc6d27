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
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;

/**
 * The snapshot file: canonical JSON lines. The first line is a header {@code
 * {"entries":N,"format":"writ-state/spent-notes","log_time":T,"v":1}}, then N lines {@code
 * {"id":…,"retain_until":…}} in strictly increasing id order, then end of file. Reading is as
 * strict as command decoding: any deviation fails the load rather than starting with a partial
 * ledger.
 */
final class SnapshotFormat {
  static final String FORMAT = "writ-state/spent-notes";

  /** One line is under 100 bytes; 512 bounds the line reader before it parses. */
  static final int MAX_LINE_BYTES = 512;

  private static final JsonReader READER =
      new JsonReader(new JsonLimits(MAX_LINE_BYTES, 1, 64, 8), JsonReader.Mode.INTEGERS_ONLY);

  private SnapshotFormat() {}

  static void write(OutputStream out, long logTime, NavigableMap<WritId, Long> notes)
      throws IOException {
    Map<String, JsonValue> header = new LinkedHashMap<>();
    header.put("v", new JsonInteger(1));
    header.put("format", new JsonString(FORMAT));
    header.put("entries", new JsonInteger(notes.size()));
    header.put("log_time", new JsonInteger(logTime));
    line(out, header);
    for (Map.Entry<WritId, Long> e : notes.entrySet()) {
      Map<String, JsonValue> m = new LinkedHashMap<>();
      m.put("id", new JsonString(e.getKey().hex()));
      m.put("retain_until", new JsonInteger(e.getValue()));
      line(out, m);
    }
  }

  private static void line(OutputStream out, Map<String, JsonValue> m) throws IOException {
    out.write(CanonicalJson.write(new JsonObject(m)));
    out.write('\n');
  }

  /** The loaded state: log time and notes by id. */
  record Loaded(long logTime, NavigableMap<WritId, Long> notes) {}

  static Loaded read(InputStream in) throws IOException {
    JsonObject header = readLine(in);
    fields(header, Set.of("v", "format", "entries", "log_time"));
    if (integer(header, "v") != 1 || !FORMAT.equals(string(header, "format"))) {
      throw new IOException("not a version 1 " + FORMAT + " snapshot");
    }
    long entries = integer(header, "entries");
    long logTime = integer(header, "log_time");
    if (entries < 0 || logTime < 0) {
      throw new IOException("negative entries or log_time in snapshot header");
    }
    NavigableMap<WritId, Long> notes = new TreeMap<>();
    for (long i = 0; i < entries; i++) {
      JsonObject note = readLine(in);
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
      notes.put(id, integer(note, "retain_until"));
    }
    if (in.read() != -1) {
      throw new IOException("trailing data after " + entries + " snapshot entries");
    }
    return new Loaded(logTime, notes);
  }

  /** The next line as a canonical object, or null at a clean end of file. */
  private static JsonObject readLine(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) != '\n') {
      if (b == -1) {
        if (line.size() == 0) {
          return null;
        }
        throw new IOException("snapshot line without a newline");
      }
      if (line.size() >= MAX_LINE_BYTES) {
        throw new IOException("snapshot line over " + MAX_LINE_BYTES + " bytes");
      }
      line.write(b);
    }
    try {
      if (READER.readCanonical(line.toByteArray()) instanceof JsonObject o) {
        return o;
      }
    } catch (JsonException e) {
      throw new IOException("snapshot line is not canonical JSON", e);
    }
    throw new IOException("snapshot line is not an object");
  }

  private static void fields(JsonObject o, Set<String> expected) throws IOException {
    if (o == null || !o.members().keySet().equals(expected)) {
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
