package dev.writ.log;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;

/**
 * The log server's private key file: one line {@code PRIVATE+KEY+<name>+<8 hex key id>+<base64(0x01
 * || 32-byte seed)>}, the signer key format of the Go {@code note} package (docs/spec/api.md
 * section 5), mode 0600. Only the log key is ever stored this way; it signs checkpoints and nothing
 * else.
 *
 * <p>Stateless and thread-safe. Creation is atomic: when several processes create the same file at
 * once, exactly one key wins and every caller loads that one.
 */
public final class LogKeyFile {
  private static final String PREFIX = "PRIVATE+KEY+";

  /** A key file is one short line; anything longer is not one. */
  private static final int MAX_FILE_BYTES = 1024;

  private LogKeyFile() {}

  /**
   * Loads the key in {@code file}, creating it first with a fresh key named {@code name} if it does
   * not exist.
   *
   * @throws IOException if the file cannot be read or written, is not a key file, or holds a key
   *     with another name
   */
  public static LogKeySigner loadOrCreate(Path file, String name, SecureRandom random)
      throws IOException {
    if (!Files.exists(file)) {
      create(file, LogKeySigner.generate(name, random));
    }
    LogKeySigner signer = load(file);
    if (!signer.verifierKey().name().equals(name)) {
      throw new IOException(
          file
              + " holds the log key of "
              + signer.verifierKey().name()
              + ", not of origin "
              + name);
    }
    return signer;
  }

  /**
   * Loads the key in {@code file}.
   *
   * @throws IOException if the file cannot be read or is not a well-formed key file
   */
  public static LogKeySigner load(Path file) throws IOException {
    if (Files.size(file) > MAX_FILE_BYTES) {
      throw new IOException(file + " is not a log key file (too long)");
    }
    String text = Files.readString(file, StandardCharsets.UTF_8).strip();
    try {
      return parse(text);
    } catch (IllegalArgumentException e) {
      throw new IOException(file + " is not a log key file: " + e.getMessage(), e);
    }
  }

  /** Parses a key line; the key id must be the one the name and key give. */
  static LogKeySigner parse(String line) {
    if (!line.startsWith(PREFIX)) {
      throw new IllegalArgumentException("does not start with " + PREFIX);
    }
    String rest = line.substring(PREFIX.length());
    int plus1 = rest.indexOf('+');
    int plus2 = plus1 < 0 ? -1 : rest.indexOf('+', plus1 + 1);
    if (plus2 < 0) {
      throw new IllegalArgumentException("not PRIVATE+KEY+<name>+<key id>+<key>");
    }
    String name = rest.substring(0, plus1);
    String id = rest.substring(plus1 + 1, plus2);
    byte[] raw =
        Text.base64(rest.substring(plus2 + 1))
            .orElseThrow(() -> new IllegalArgumentException("key is not canonical base64"));
    if (raw.length != 33 || raw[0] != NoteVerifierKey.ALG_ED25519) {
      throw new IllegalArgumentException("not an Ed25519 seed (0x01 and 32 bytes)");
    }
    byte[] seed = new byte[32];
    System.arraycopy(raw, 1, seed, 0, 32);
    LogKeySigner signer = new LogKeySigner(name, new Ed25519PrivateKeyParameters(seed, 0));
    if (!HexFormat.of().formatHex(keyIdBytes(signer.verifierKey().keyId())).equals(id)) {
      throw new IllegalArgumentException("key id " + id + " does not match the key");
    }
    return signer;
  }

  /** The key line for {@code signer}, without a newline. Handle with care: it is the secret. */
  static String format(LogKeySigner signer) {
    byte[] raw = new byte[33];
    raw[0] = NoteVerifierKey.ALG_ED25519;
    System.arraycopy(signer.seedForKeyFile(), 0, raw, 1, 32);
    NoteVerifierKey vkey = signer.verifierKey();
    return PREFIX
        + vkey.name()
        + "+"
        + HexFormat.of().formatHex(keyIdBytes(vkey.keyId()))
        + "+"
        + Text.base64(raw);
  }

  private static void create(Path file, LogKeySigner signer) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path temp =
        Files.createTempFile(
            dir,
            ".log-key-",
            ".tmp",
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    try {
      Files.writeString(temp, format(signer) + "\n", StandardCharsets.UTF_8);
      try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.WRITE)) {
        ch.force(true);
      }
      // a hard link never replaces: when another process created the file first, its key wins
      Files.createLink(file, temp);
    } catch (FileAlreadyExistsException e) {
      // lost the race; load() reads the winner's key
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  private static byte[] keyIdBytes(int id) {
    return new byte[] {(byte) (id >>> 24), (byte) (id >>> 16), (byte) (id >>> 8), (byte) id};
  }
}
