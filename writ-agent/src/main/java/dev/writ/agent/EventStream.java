package dev.writ.agent;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.Optional;

/**
 * A strict reader of the agent's {@code text/event-stream} (docs/spec/work.md section 4): events of
 * an {@code event:} line and one {@code data:} line, ended by a blank line; comment lines ({@code
 * :}) are skipped. Lines and events are bounded; anything else ends the stream with an {@link
 * IOException}, and the agent reconnects.
 *
 * <p>Not thread-safe: one reader per stream.
 */
public final class EventStream {
  /**
   * The longest line: a work event carries a 32 KiB envelope in base64 and a receipt with up to 64
   * proof hashes, under 64 KiB; 256 KiB leaves room and bounds memory.
   */
  public static final int MAX_LINE_BYTES = 256 * 1024;

  /** One event: its name and its data line. */
  public record Event(String name, String data) {
    public Event {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(data, "data");
    }
  }

  private final InputStream in;

  public EventStream(InputStream in) {
    this.in = Objects.requireNonNull(in, "in");
  }

  /**
   * The next event, or empty at a clean end of the stream (between events).
   *
   * @throws IOException if the stream breaks a rule, or reading fails
   */
  public Optional<Event> next() throws IOException {
    String name = null;
    String data = null;
    while (true) {
      String line = readLine();
      if (line == null) {
        if (name != null || data != null) {
          throw new IOException("the stream ended inside an event");
        }
        return Optional.empty();
      }
      if (line.isEmpty()) {
        if (name == null && data == null) {
          continue; // blank lines between events
        }
        if (name == null || data == null) {
          throw new IOException("an event needs one event: and one data: line");
        }
        return Optional.of(new Event(name, data));
      }
      if (line.startsWith(":")) {
        continue;
      }
      if (line.startsWith("event: ")) {
        if (name != null) {
          throw new IOException("an event has two event: lines");
        }
        name = line.substring("event: ".length());
        if (name.isEmpty() || !name.chars().allMatch(c -> c >= 'a' && c <= 'z')) {
          throw new IOException("an event name is lowercase letters");
        }
      } else if (line.startsWith("data: ")) {
        if (data != null) {
          throw new IOException("an event has two data: lines");
        }
        data = line.substring("data: ".length());
      } else {
        throw new IOException("a stream line is event:, data:, a comment or blank");
      }
    }
  }

  /** The next line without its LF, null at end of stream before any byte of a line. */
  private String readLine() throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    while (true) {
      int b = in.read();
      if (b == -1) {
        if (line.size() == 0) {
          return null;
        }
        throw new IOException("the stream ended inside a line");
      }
      if (b == '\n') {
        return line.toString(StandardCharsets.UTF_8);
      }
      if (b == '\r') {
        throw new IOException("the stream uses LF line ends only");
      }
      if (line.size() >= MAX_LINE_BYTES) {
        throw new IOException("a stream line is over " + MAX_LINE_BYTES + " bytes");
      }
      line.write(b);
    }
  }
}
