package dev.writ.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** File reads and writes with plain error messages and atomic replacement. */
final class Files2 {
  /** No input the CLI reads legitimately comes near this. */
  static final long MAX_INPUT_BYTES = 4L * 1024 * 1024;

  private Files2() {}

  static byte[] read(Path file) throws CliException {
    try {
      if (!Files.isRegularFile(file)) {
        throw new CliException("no such file: " + file);
      }
      if (Files.size(file) > MAX_INPUT_BYTES) {
        throw new CliException(file + " is larger than " + MAX_INPUT_BYTES + " bytes");
      }
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new CliException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  static void write(Path file, byte[] bytes) throws CliException {
    try {
      Path dir = file.toAbsolutePath().getParent();
      Files.createDirectories(dir);
      Path tmp = Files.createTempFile(dir, ".writ", ".tmp");
      try {
        Files.write(tmp, bytes);
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } finally {
        Files.deleteIfExists(tmp);
      }
    } catch (IOException e) {
      throw new CliException("cannot write " + file + ": " + e.getMessage(), e);
    }
  }

  static void writeString(Path file, String text) throws CliException {
    write(file, text.getBytes(StandardCharsets.UTF_8));
  }
}
