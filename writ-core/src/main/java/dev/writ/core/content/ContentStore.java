package dev.writ.core.content;

import dev.writ.core.ContentId;
import dev.writ.core.Limits;
import dev.writ.core.WritBugException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Objects;
import java.util.Set;

/**
 * A content-addressed store on local disk (docs/spec/content.md sections 3 and 6), the one
 * implementation the server and agents use. Bytes are held under their SHA-256 at {@code
 * <root>/sha256/<hex[0:2]>/<hex>} and are checked against their id when they are stored and again
 * every time they are handed out: {@link #read} hashes the very bytes it returns and {@link
 * #install} hashes the file before it returns its path. Bytes that no longer hash to their id are
 * moved aside into {@code <root>/corrupt/} and reported as {@link ContentFailure#CORRUPT}; they are
 * never handed out.
 *
 * <p>Writes are crash-safe: bytes go to a temporary file in {@code <root>/tmp/} (same file system),
 * are hashed and counted while they are written, then fsynced, made read-only (0444) and
 * hard-linked into place, and the folder is fsynced. A hard link never replaces, so of concurrent
 * writers of one id exactly one creates the file and the others find it (and check it). Nothing is
 * ever modified in place. Leftover temporary files from a crash are deleted by {@link #open}.
 *
 * <p>What it does not guarantee: a path returned by {@link #install} names verified bytes at the
 * moment of return; a process that can write the store's folders can swap them afterwards. Give the
 * store a folder only its owner can write.
 *
 * <p>Thread-safe; one process per store folder.
 */
public final class ContentStore {
  private static final String FILE_MODE = "r--r--r--";
  private static final String TEMP_MODE = "rw-------";
  private static final String DIR_MODE = "rwxr-xr-x";
  private static final String PRIVATE_DIR_MODE = "rwx------";
  private static final int CHUNK = 64 * 1024;

  /** Attempts to publish when the file found under an id turns out corrupt or vanishes. */
  private static final int PUBLISH_ATTEMPTS = 3;

  private final Path root;
  private final Path shards;
  private final Path tmp;
  private final Path corrupt;
  private final int maxBytes;

  private ContentStore(Path root, int maxBytes) {
    this.root = root;
    this.shards = root.resolve("sha256");
    this.tmp = root.resolve("tmp");
    this.corrupt = root.resolve("corrupt");
    this.maxBytes = maxBytes;
  }

  /** Opens (creating if missing) a store at {@code root} for items of at most 64 MiB. */
  public static ContentStore open(Path root) throws IOException {
    return open(root, Limits.MAX_CONTENT_BYTES);
  }

  /**
   * Opens (creating if missing) a store at {@code root} for items of at most {@code maxBytes}, and
   * deletes temporary files a crash left behind.
   *
   * @throws IllegalArgumentException if {@code maxBytes} is not in 0..{@link
   *     Limits#MAX_CONTENT_BYTES}
   */
  public static ContentStore open(Path root, int maxBytes) throws IOException {
    if (maxBytes < 0 || maxBytes > Limits.MAX_CONTENT_BYTES) {
      throw new IllegalArgumentException(
          "a content store holds items of 0 to " + Limits.MAX_CONTENT_BYTES + " bytes");
    }
    ContentStore store = new ContentStore(root.toAbsolutePath(), maxBytes);
    createDir(store.root, DIR_MODE);
    createDir(store.shards, DIR_MODE);
    createDir(store.tmp, PRIVATE_DIR_MODE);
    createDir(store.corrupt, PRIVATE_DIR_MODE);
    try (DirectoryStream<Path> leftovers = Files.newDirectoryStream(store.tmp)) {
      for (Path p : leftovers) {
        Files.deleteIfExists(p);
      }
    }
    return store;
  }

  /** The store's folder. */
  public Path root() {
    return root;
  }

  /** The largest item this store holds, in bytes. */
  public int maxBytes() {
    return maxBytes;
  }

  /**
   * Stores the bytes of {@code in} under {@code expected}, reading at most {@link #maxBytes()} + 1
   * bytes of it. The bytes are hashed while they are written to a temporary file; only bytes of the
   * right length that hash to {@code expected} are published. Idempotent: storing bytes the store
   * already holds checks the held file and answers {@code created = false}; a held file that no
   * longer hashes to its id is moved aside and replaced by these bytes.
   *
   * @throws ContentException {@link ContentFailure#OVERSIZE} or {@link ContentFailure#MISMATCH};
   *     nothing was stored
   * @throws IOException if reading {@code in} or the file system fails; nothing was stored
   */
  public Stored put(InputStream in, ContentId expected) throws ContentException, IOException {
    Objects.requireNonNull(expected, "expected");
    Path temp = Files.createTempFile(tmp, expected.hex() + "-", ".tmp", permissions(TEMP_MODE));
    try {
      long size = writeHashed(in, temp, expected);
      Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString(FILE_MODE));
      return publish(temp, expected, size);
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  /** {@link #put(InputStream, ContentId)} of bytes in memory. */
  public Stored putBytes(byte[] bytes, ContentId expected) throws ContentException, IOException {
    return put(new ByteArrayInputStream(bytes), expected);
  }

  /**
   * Whether a file is held under {@code id}. Not a check of its bytes: {@link #read} and {@link
   * #install} check them.
   */
  public boolean contains(ContentId id) {
    return Files.isRegularFile(path(id), LinkOption.NOFOLLOW_LINKS);
  }

  /**
   * The bytes held under {@code id}, hashed after they were read: the array returned is exactly the
   * bytes that hashed to {@code id}.
   *
   * @throws ContentException {@link ContentFailure#UNKNOWN} if none are held, {@link
   *     ContentFailure#CORRUPT} if they do not hash to {@code id} (they were moved aside)
   */
  public byte[] read(ContentId id) throws ContentException, IOException {
    Path file = path(id);
    Object key = regularFile(file, id);
    byte[] bytes;
    try (SeekableByteChannel ch =
        Files.newByteChannel(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
      bytes = Channels.newInputStream(ch).readNBytes(maxBytes + 1);
    } catch (NoSuchFileException e) {
      throw unknown(id);
    }
    if (bytes.length > maxBytes || !MessageDigest.isEqual(sha256().digest(bytes), id.digest())) {
      throw moveAside(file, key, id, bytes.length);
    }
    return bytes;
  }

  /**
   * The path of the file held under {@code id}, read-only (mode 0444), after hashing it again: for
   * agents that install content by its address. See the class comment for what the check does not
   * cover.
   *
   * @throws ContentException {@link ContentFailure#UNKNOWN} or {@link ContentFailure#CORRUPT} as
   *     for {@link #read}
   */
  public Path install(ContentId id) throws ContentException, IOException {
    Path file = path(id);
    verifyHeld(file, id);
    return file;
  }

  /** Where the bytes of {@code id} live: {@code <root>/sha256/<hex[0:2]>/<hex>}. */
  Path path(ContentId id) {
    String hex = id.hex();
    return shards.resolve(hex.substring(0, 2)).resolve(hex);
  }

  private long writeHashed(InputStream in, Path temp, ContentId expected)
      throws ContentException, IOException {
    MessageDigest md = sha256();
    long size = 0;
    byte[] buf = new byte[CHUNK];
    try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.WRITE)) {
      int n;
      while ((n = in.read(buf)) != -1) {
        size += n;
        if (size > maxBytes) {
          throw new ContentException(
              ContentFailure.OVERSIZE, expected, "content is longer than " + maxBytes + " bytes");
        }
        md.update(buf, 0, n);
        ByteBuffer b = ByteBuffer.wrap(buf, 0, n);
        while (b.hasRemaining()) {
          ch.write(b);
        }
      }
      ContentId actual = ContentId.ofDigest(md.digest());
      if (!actual.equals(expected)) {
        throw new ContentException(
            ContentFailure.MISMATCH,
            expected,
            "the " + size + " bytes hash to " + actual + ", not to " + expected);
      }
      ch.force(true);
    }
    return size;
  }

  private Stored publish(Path temp, ContentId id, long size) throws IOException {
    Path target = path(id);
    Path shard = target.getParent();
    if (!Files.isDirectory(shard, LinkOption.NOFOLLOW_LINKS)) {
      createDir(shard, DIR_MODE);
      syncDir(shards);
    }
    for (int attempt = 0; attempt < PUBLISH_ATTEMPTS; attempt++) {
      try {
        Files.createLink(target, temp);
        syncDir(shard);
        return new Stored(id, size, true);
      } catch (FileAlreadyExistsException e) {
        try {
          verifyHeld(target, id);
          return new Stored(id, size, false);
        } catch (ContentException held) {
          // CORRUPT: moved aside; UNKNOWN: gone meanwhile. Either way, try to link ours again.
        }
      }
    }
    throw new IOException(
        "could not store "
            + id
            + ": the file under its name kept changing; is another process"
            + " writing "
            + root
            + "?");
  }

  /** Hashes the held file without keeping it in memory; moves it aside if it does not match. */
  private void verifyHeld(Path file, ContentId id) throws ContentException, IOException {
    Object key = regularFile(file, id);
    MessageDigest md = sha256();
    long size = 0;
    try (SeekableByteChannel ch =
        Files.newByteChannel(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
      ByteBuffer buf = ByteBuffer.allocate(CHUNK);
      int n;
      while ((n = ch.read(buf)) != -1 && size <= maxBytes) {
        size += n;
        buf.flip();
        md.update(buf);
        buf.clear();
      }
    } catch (NoSuchFileException e) {
      throw unknown(id);
    }
    if (size > maxBytes || !MessageDigest.isEqual(md.digest(), id.digest())) {
      throw moveAside(file, key, id, size);
    }
  }

  /** The file key of the regular file (not a link) at {@code file}, or UNKNOWN. */
  private Object regularFile(Path file, ContentId id) throws ContentException, IOException {
    BasicFileAttributes attrs;
    try {
      attrs = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException e) {
      throw unknown(id);
    }
    if (!attrs.isRegularFile()) {
      throw moveAside(file, attrs.fileKey(), id, -1);
    }
    return attrs.fileKey() == null ? file : attrs.fileKey();
  }

  /**
   * Moves what is held under {@code id} into {@code corrupt/} if it is still the file that was
   * checked ({@code key}), so a good file stored meanwhile is left alone, and returns the failure.
   */
  private ContentException moveAside(Path file, Object key, ContentId id, long size)
      throws IOException {
    try {
      BasicFileAttributes now =
          Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      Object nowKey = now.fileKey() == null ? file : now.fileKey();
      if (key == null || nowKey.equals(key)) {
        Path aside = Files.createTempFile(corrupt, id.hex() + "-", "");
        Files.move(
            file, aside, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (NoSuchFileException e) {
      // another reader moved it aside first
    }
    String what = size < 0 ? "is not a regular file" : "(" + size + " bytes) no longer hash to it";
    return new ContentException(
        ContentFailure.CORRUPT,
        id,
        "what the store held under " + id + " " + what + "; moved aside to " + corrupt);
  }

  private static ContentException unknown(ContentId id) {
    return new ContentException(ContentFailure.UNKNOWN, id, "the store holds no " + id);
  }

  private static void createDir(Path dir, String mode) throws IOException {
    Files.createDirectories(dir, permissions(mode));
  }

  private static void syncDir(Path dir) throws IOException {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    }
  }

  private static FileAttribute<Set<PosixFilePermission>> permissions(String mode) {
    return PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(mode));
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new WritBugException("SHA-256 is mandatory in every JDK", e);
    }
  }
}
