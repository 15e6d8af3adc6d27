package dev.writ.it.server;

import dev.writ.core.json.JsonValue;
import dev.writ.log.AuditedLog;
import dev.writ.log.Checkpoint;
import dev.writ.log.LogAuditException;
import dev.writ.log.LogAuditor;
import dev.writ.log.LogVerificationException;
import dev.writ.log.NoteVerifierKey;
import dev.writ.log.SignedNotes;
import dev.writ.log.Tile;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The log as one peer serves it over HTTP (docs/spec/api.md section 4): its checkpoint and every
 * tile and entry bundle that checkpoint needs, downloaded into a folder and replayed by {@link
 * LogAuditor}, then every entry parsed as a decision record (docs/spec/log.md section 10).
 *
 * <p>Immutable once downloaded and thread-safe.
 */
final class ServedLog {
  private final Checkpoint checkpoint;
  private final String note;
  private final List<byte[]> entries;
  private final List<Map<String, JsonValue>> records;

  private ServedLog(
      Checkpoint checkpoint,
      String note,
      List<byte[]> entries,
      List<Map<String, JsonValue>> records) {
    this.checkpoint = checkpoint;
    this.note = note;
    this.entries = entries;
    this.records = records;
  }

  /**
   * Downloads the log from {@code base} into {@code folder} and audits it under {@code key}, and
   * against {@code trusted} (a signed checkpoint note seen earlier) when present.
   *
   * @throws AssertionError if a file is missing, the audit fails or an entry is no decision record
   */
  static ServedLog download(
      WritClient client, URI base, NoteVerifierKey key, Path folder, Optional<String> trusted)
      throws IOException, InterruptedException {
    String note = client.getText(base, "/checkpoint");
    Checkpoint cp;
    try {
      cp =
          Checkpoint.parse(
              SignedNotes.open(note.getBytes(StandardCharsets.UTF_8), List.of(key)).text());
    } catch (LogVerificationException e) {
      throw new AssertionError(base + "/checkpoint does not open under the log key", e);
    }
    Files.createDirectories(folder);
    Files.writeString(folder.resolve("checkpoint"), note, StandardCharsets.UTF_8);
    List<byte[]> entries = new ArrayList<>();
    for (Tile t : Tile.forTree(cp.size())) {
      save(folder, t.path(), client.get(base, "/" + t.path()));
      if (t.level() == 0) {
        byte[] bundle = client.get(base, "/" + t.entriesPath());
        save(folder, t.entriesPath(), bundle);
        entries.addAll(decodeBundle(bundle, t.width(), t.entriesPath()));
      }
    }
    AuditedLog audited;
    try {
      audited = LogAuditor.verify(folder, key, trusted);
    } catch (LogAuditException e) {
      throw new AssertionError("the log " + base + " serves does not audit: " + e.getMessage(), e);
    }
    if (!audited.checkpoint().equals(cp)) {
      throw new AssertionError("the auditor read another checkpoint than the one served");
    }
    List<Map<String, JsonValue>> records = new ArrayList<>(entries.size());
    for (int i = 0; i < entries.size(); i++) {
      Map<String, JsonValue> r = Json.object(entries.get(i), "entry " + i + " of " + base);
      checkRecord(r, i, base);
      records.add(r);
    }
    return new ServedLog(cp, note, List.copyOf(entries), List.copyOf(records));
  }

  private static void save(Path folder, String relative, byte[] bytes) throws IOException {
    Path file = folder.resolve(relative);
    Files.createDirectories(file.getParent());
    Files.write(file, bytes);
  }

  /** tlog-tiles entry bundle: {@code width} entries, each behind a big-endian uint16 length. */
  private static List<byte[]> decodeBundle(byte[] bundle, int width, String path) {
    List<byte[]> out = new ArrayList<>(width);
    int pos = 0;
    for (int i = 0; i < width; i++) {
      if (bundle.length - pos < 2) {
        throw new AssertionError(path + " ends before entry " + i);
      }
      int len = ((bundle[pos] & 0xff) << 8) | (bundle[pos + 1] & 0xff);
      pos += 2;
      if (bundle.length - pos < len) {
        throw new AssertionError(path + ": entry " + i + " runs past the end");
      }
      out.add(Arrays.copyOfRange(bundle, pos, pos + len));
      pos += len;
    }
    if (pos != bundle.length) {
      throw new AssertionError(path + ": bytes after entry " + (width - 1));
    }
    return out;
  }

  /** log.md section 10: version 1, dense indexes, a reason exactly on denials. */
  private static void checkRecord(Map<String, JsonValue> r, int position, URI base) {
    String where = "entry " + position + " of " + base;
    if (Json.integer(r, "v") != 1 || Json.integer(r, "index") != position) {
      throw new AssertionError(where + ": version or index wrong: " + r);
    }
    String decision = Json.string(r, "decision");
    boolean hasReason = Json.optString(r, "reason").isPresent();
    if (!(decision.equals("allow") && !hasReason) && !(decision.equals("deny") && hasReason)) {
      throw new AssertionError(where + ": decision and reason disagree: " + r);
    }
    if (decision.equals("allow") && Json.optString(r, "id").isEmpty()) {
      throw new AssertionError(where + ": an allow without an id");
    }
  }

  Checkpoint checkpoint() {
    return checkpoint;
  }

  /** The signed checkpoint note as served. */
  String note() {
    return note;
  }

  long size() {
    return entries.size();
  }

  byte[] entry(long index) {
    return entries.get(Math.toIntExact(index)).clone();
  }

  /** Every entry's bytes, in order. */
  List<byte[]> entries() {
    return entries.stream().map(byte[]::clone).toList();
  }

  /** The decision record at each position. */
  List<Map<String, JsonValue>> records() {
    return records;
  }
}
