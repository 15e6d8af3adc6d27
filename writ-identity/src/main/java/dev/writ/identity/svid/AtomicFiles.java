package dev.writ.identity.svid;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Crash-safe file writes (temporary file in the same folder, fsync, then a hard link or an atomic
 * rename, then fsync of the folder) and bounded reads. Secret files are created mode 0600 and
 * refused on read when group or others may access them. Stateless and thread-safe.
 */
final class AtomicFiles {
  private static final String SECRET_MODE = "rw-------";
  private static final String PUBLIC_MODE = "rw-r--r--";

  private AtomicFiles() {}

  /**
   * Creates {@code file} with {@code content} unless it exists. Returns false when another writer
   * (thread or process) created it first: a hard link never replaces, so exactly one wins.
   */
  static boolean createOnce(Path file, byte[] content, boolean secret) throws IOException {
    Path temp = writeTemp(file, content, secret);
    try {
      Files.createLink(file, temp);
      syncFolder(file);
      return true;
    } catch (FileAlreadyExistsException e) {
      return false; // lost the race; the caller reads the winner's file
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  /** Replaces {@code file} with {@code content} in one atomic rename. */
  static void replace(Path file, byte[] content, boolean secret) throws IOException {
    Path temp = writeTemp(file, content, secret);
    try {
      Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      syncFolder(file);
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  /**
   * Reads a file of at most {@code maxBytes}; a secret file must not be accessible to group or
   * others (on file systems with POSIX permissions).
   */
  static byte[] read(Path file, int maxBytes, boolean secret) throws IOException {
    if (secret) {
      requireOwnerOnly(file);
    }
    try (InputStream in = Files.newInputStream(file)) {
      byte[] content = in.readNBytes(maxBytes + 1);
      if (content.length > maxBytes) {
        throw new IOException(file + " is larger than " + maxBytes + " bytes");
      }
      return content;
    }
  }

  private static void requireOwnerOnly(Path file) throws IOException {
    PosixFileAttributeView view = Files.getFileAttributeView(file, PosixFileAttributeView.class);
    if (view == null) {
      return;
    }
    Set<PosixFilePermission> perms = view.readAttributes().permissions();
    for (PosixFilePermission p : perms) {
      if (!p.name().startsWith("OWNER_")) {
        throw new IOException(
            file
                + " holds a private key but has mode "
                + PosixFilePermissions.toString(perms)
                + "; it must be 0600 (chmod 600)");
      }
    }
  }

  private static Path writeTemp(Path file, byte[] content, boolean secret) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path temp =
        Files.createTempFile(
            dir,
            "." + file.getFileName() + "-",
            ".tmp",
            PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString(secret ? SECRET_MODE : PUBLIC_MODE)));
    try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.WRITE)) {
      ByteBuffer buf = ByteBuffer.wrap(content);
      while (buf.hasRemaining()) {
        ch.write(buf);
      }
      ch.force(true);
    } catch (IOException e) {
      Files.deleteIfExists(temp);
      throw e;
    }
    return temp;
  }

  private static void syncFolder(Path file) throws IOException {
    try (FileChannel ch =
        FileChannel.open(file.toAbsolutePath().getParent(), StandardOpenOption.READ)) {
      ch.force(true);
    }
  }
}
