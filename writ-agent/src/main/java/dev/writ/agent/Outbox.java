package dev.writ.agent;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The agent's durable outbox (docs/spec/work.md section 7): each signed result is written here
 * (crash-safe, {@link DurableFiles}) before it is posted, named by the SHA-256 of the envelope it
 * answers, and removed once the server recorded it. What is left after a crash is posted at the
 * next start, so a result is never lost between acting and reporting.
 *
 * <p>Thread-safe: every method synchronizes on this instance.
 */
final class Outbox {
  private static final Pattern NAME = Pattern.compile("[0-9a-f]{64}");
  private static final String SUFFIX = ".json";

  /** A saved result: its name (the envelope's SHA-256 in hex) and the body to post. */
  @SuppressWarnings("ArrayRecordComponent") // copied in and out, never shared
  record Entry(String name, byte[] body) {
    Entry {
      Objects.requireNonNull(name, "name");
      body = body.clone();
    }

    @Override
    public byte[] body() {
      return body.clone();
    }
  }

  private final Path dir;

  private Outbox(Path dir) {
    this.dir = dir;
  }

  static Outbox open(Path dir) throws IOException {
    Files.createDirectories(dir);
    return new Outbox(dir);
  }

  synchronized boolean contains(String name) {
    return Files.isRegularFile(file(name));
  }

  synchronized void put(String name, byte[] body) throws IOException {
    DurableFiles.replace(file(name), body);
  }

  /** Every saved result, oldest name first (names are hashes: the order is only stable). */
  synchronized List<Entry> entries() {
    List<Entry> out = new ArrayList<>();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*" + SUFFIX)) {
      for (Path f : files) {
        String n = f.getFileName().toString();
        String name = n.substring(0, n.length() - SUFFIX.length());
        if (NAME.matcher(name).matches()) {
          out.add(new Entry(name, Files.readAllBytes(f)));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the outbox " + dir, e);
    }
    out.sort(java.util.Comparator.comparing(Entry::name));
    return out;
  }

  synchronized void remove(Entry e) {
    try {
      Files.deleteIfExists(file(e.name()));
    } catch (IOException ex) {
      throw new UncheckedIOException("cannot remove a recorded result from " + dir, ex);
    }
  }

  private Path file(String name) {
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("an outbox name is 64 lowercase hex digits");
    }
    return dir.resolve(name + SUFFIX);
  }
}
