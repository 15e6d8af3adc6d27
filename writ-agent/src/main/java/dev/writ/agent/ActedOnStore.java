package dev.writ.agent;

import dev.writ.core.Capability;
import dev.writ.core.SpendLedger;
import dev.writ.core.WritId;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The agent's own durable record of the writs it has acted on (docs/spec/work.md section 5, step
 * 4): the spend ledger of its node-scope verification. An id is written and fsynced before the
 * action starts, so the agent acts at most once on a writ whatever the server redelivers and
 * whenever the agent crashes.
 *
 * <p>File format: one line per spend, {@code <32 hex id> <cap> <retain-until unix seconds> <64 hex
 * envelope SHA-256>\n}, appended and fsynced. On open, a last line without its newline is a write
 * the crash cut short (it was never acknowledged) and is cut off; any other malformed line refuses
 * to open, since a store that cannot be read is a store that could let a writ run twice. Entries
 * past their retention time (the writ's {@code exp} plus the skew cap, after which the verifier
 * denies it as expired anyway) are dropped when the file is rewritten at open.
 *
 * <p>Thread-safe: spends are serialized.
 */
public final class ActedOnStore implements SpendLedger, AutoCloseable {
  /** The longest line: id, the longest capability name, a 19-digit time, a digest, separators. */
  private static final int MAX_LINE = 32 + 1 + 16 + 1 + 19 + 1 + 64 + 1;

  private final Path file;
  private final Map<WritId, Instant> spent;
  private final FileChannel channel;

  private ActedOnStore(Path file, Map<WritId, Instant> spent, FileChannel channel) {
    this.file = file;
    this.spent = spent;
    this.channel = channel;
  }

  /**
   * Opens (creating it, mode 0600, if missing) the store at {@code file}, dropping entries whose
   * retention ended before {@code clock}'s now.
   *
   * @throws IOException if the file cannot be read or written, or holds a malformed line other than
   *     a cut-off last one
   */
  public static ActedOnStore open(Path file, Clock clock) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    if (!Files.exists(file)) {
      Files.createFile(
          file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    }
    byte[] bytes = Files.readAllBytes(file);
    int complete = lastNewline(bytes) + 1; // a cut-off last line was never acknowledged
    String text = new String(bytes, 0, complete, StandardCharsets.US_ASCII);
    Map<WritId, Instant> spent = new HashMap<>();
    List<String> lines = text.isEmpty() ? List.of() : text.lines().toList();
    for (int i = 0; i < lines.size(); i++) {
      Entry e = Entry.parse(lines.get(i), file, i + 1);
      spent.merge(e.id(), e.retainUntil(), (a, b) -> a.isAfter(b) ? a : b);
    }
    Instant now = clock.instant();
    boolean expired = spent.values().removeIf(t -> !t.isAfter(now));
    if (expired || complete != bytes.length) {
      rewrite(file, spent); // drop expired entries and any cut-off tail in one atomic step
    }
    FileChannel channel =
        FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
    return new ActedOnStore(file, spent, channel);
  }

  /**
   * Records {@code request}'s id as acted on, durably, unless it already is.
   *
   * @throws SpendLedgerException if the record cannot be written and synced: the caller must not
   *     act
   */
  @Override
  public synchronized Outcome spend(SpendRequest request) throws SpendLedgerException {
    Objects.requireNonNull(request, "request");
    if (spent.containsKey(request.id())) {
      return Outcome.ALREADY_SPENT;
    }
    String line =
        new Entry(request.id(), request.cap(), request.retainUntil(), request.envelopeSha256())
            .format();
    try {
      ByteBuffer buf = ByteBuffer.wrap(line.getBytes(StandardCharsets.US_ASCII));
      while (buf.hasRemaining()) {
        channel.write(buf);
      }
      channel.force(false);
    } catch (IOException e) {
      throw new SpendLedgerException("cannot record the writ in " + file + ": " + e, e);
    }
    spent.put(request.id(), request.retainUntil());
    return Outcome.SPENT_NOW;
  }

  /** Whether {@code id} has been acted on (and is still retained). */
  public synchronized boolean contains(WritId id) {
    return spent.containsKey(id);
  }

  /** How many ids are retained. */
  public synchronized int size() {
    return spent.size();
  }

  @Override
  public synchronized void close() throws IOException {
    channel.close();
  }

  private static int lastNewline(byte[] bytes) {
    for (int i = bytes.length - 1; i >= 0; i--) {
      if (bytes[i] == '\n') {
        return i;
      }
    }
    return -1;
  }

  private static void rewrite(Path file, Map<WritId, Instant> spent) throws IOException {
    StringBuilder out = new StringBuilder();
    spent.entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .forEach(
            e ->
                out.append(e.getKey().hex())
                    .append(" - ")
                    .append(e.getValue().getEpochSecond())
                    .append(" -\n"));
    DurableFiles.replace(file, out.toString().getBytes(StandardCharsets.US_ASCII));
  }

  /**
   * One line. A rewritten line keeps only id and retention ({@code -} for capability and digest):
   * they are what the store decides on; the full record is in the server's audit log.
   */
  @SuppressWarnings("ArrayRecordComponent") // built and read here only, never mutated
  private record Entry(WritId id, Capability cap, Instant retainUntil, byte[] envelopeSha256) {
    String format() {
      return id.hex()
          + " "
          + cap.wire()
          + " "
          + retainUntil.getEpochSecond()
          + " "
          + HexFormat.of().formatHex(envelopeSha256)
          + "\n";
    }

    static Entry parse(String line, Path file, int number) throws IOException {
      String[] f = line.split(" ", -1);
      if (line.length() > MAX_LINE || f.length != 4) {
        throw corrupt(file, number, "not four fields");
      }
      try {
        WritId id = new WritId(f[0]);
        Capability cap =
            f[1].equals("-")
                ? null
                : Capability.fromWire(f[1])
                    .orElseThrow(() -> new IllegalArgumentException("unknown capability"));
        long t = Long.parseLong(f[2]);
        byte[] digest = f[3].equals("-") ? null : HexFormat.of().parseHex(f[3]);
        if (t < 0 || (digest != null && digest.length != 32)) {
          throw new IllegalArgumentException("bad time or digest");
        }
        return new Entry(id, cap, Instant.ofEpochSecond(t), digest);
      } catch (IllegalArgumentException e) {
        throw corrupt(file, number, e.getMessage());
      }
    }

    private static IOException corrupt(Path file, int number, String why) {
      return new IOException(
          "the acted-on store "
              + file
              + " is corrupt at line "
              + number
              + " ("
              + why
              + "); the agent will not act until it is repaired or restored");
    }
  }
}
