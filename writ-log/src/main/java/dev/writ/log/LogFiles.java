package dev.writ.log;

import dev.writ.log.LogAuditException.Kind;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;

/** File access for a log directory: atomic writes and bounded reads. */
final class LogFiles {
  private LogFiles() {}

  /**
   * Writes {@code bytes} to {@code root/relative} through a temporary file in the same folder and
   * an atomic rename, so a reader sees the old file or the whole new one, never a part.
   */
  static void writeAtomically(Path root, String relative, byte[] bytes) throws IOException {
    Path target = root.resolve(relative);
    Path dir = target.getParent();
    Files.createDirectories(dir);
    Path temp = Files.createTempFile(dir, ".writ-", ".tmp");
    try {
      Files.write(temp, bytes);
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  /**
   * The bytes of {@code root/relative}, empty if it does not exist. Reads at most {@code max + 1}
   * bytes, and refuses a file longer than {@code max} with {@link Kind#TOO_LARGE}.
   */
  static Optional<byte[]> readBounded(Path root, String relative, int max)
      throws LogAuditException {
    byte[] bytes;
    try (InputStream in = Files.newInputStream(root.resolve(relative))) {
      bytes = in.readNBytes(max + 1);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new LogAuditException(Kind.UNREADABLE, relative, -1, e.toString(), e);
    }
    if (bytes.length > max) {
      throw new LogAuditException(
          Kind.TOO_LARGE, relative, bytes.length, "file longer than " + max + " bytes");
    }
    return Optional.of(bytes);
  }
}
