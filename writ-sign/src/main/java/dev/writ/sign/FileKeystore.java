package dev.writ.sign;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Arrays;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.crypto.util.ScryptConfig;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.OutputEncryptor;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfoBuilder;
import org.bouncycastle.pkcs.PKCSException;
import org.bouncycastle.pkcs.jcajce.JcePKCSPBEInputDecryptorProviderBuilder;
import org.bouncycastle.pkcs.jcajce.JcePKCSPBEOutputEncryptorBuilder;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemWriter;

/**
 * Operator keys in files: PKCS#8 {@code ENCRYPTED PRIVATE KEY} (PBES2, scrypt N=2^17 r=8 p=1,
 * AES-256-CBC; RFC 8018 and RFC 7914) followed by the {@code PUBLIC KEY} (SPKI), both PEM. Test
 * keys published with the spec use an unencrypted {@code PRIVATE KEY} block instead, and are only
 * read through {@link #readUnencryptedTestKey}.
 *
 * <p>Files are written atomically with mode 0600.
 */
public final class FileKeystore {
  /** scrypt cost: 2^17 takes about half a second here, the common interactive-login setting. */
  static final int SCRYPT_LOG2_N = 17;

  static final int SCRYPT_R = 8;
  static final int SCRYPT_P = 1;

  private final SecureRandom random;

  public FileKeystore(SecureRandom random) {
    this.random = random;
  }

  /** Writes {@code key} encrypted under {@code password} to {@code file}. */
  public void write(Path file, SoftwareKey key, char[] password) throws SigningException {
    if (password.length == 0) {
      throw new SigningException("an empty password does not protect a key");
    }
    try {
      OutputEncryptor enc =
          new JcePKCSPBEOutputEncryptorBuilder(
                  new ScryptConfig.Builder(1 << SCRYPT_LOG2_N, SCRYPT_R, SCRYPT_P)
                      .withSaltLength(16)
                      .build(),
                  NISTObjectIdentifiers.id_aes256_CBC)
              .setProvider(Bc.PROVIDER)
              .setRandom(random)
              .build(password);
      PKCS8EncryptedPrivateKeyInfo encrypted =
          new PKCS8EncryptedPrivateKeyInfoBuilder(key.exportPrivateKeyInfoForKeystore()).build(enc);
      writePem(file, "ENCRYPTED PRIVATE KEY", encrypted.getEncoded(), key.publicKeySpki());
    } catch (OperatorCreationException | IOException e) {
      throw new SigningException("cannot write key file " + file, e);
    }
  }

  /** Writes {@code key} unencrypted: only for published test keys. */
  public static void writeUnencryptedTestKey(Path file, SoftwareKey key) throws SigningException {
    try {
      writePem(
          file,
          "PRIVATE KEY",
          key.exportPrivateKeyInfoForKeystore().getEncoded(),
          key.publicKeySpki());
    } catch (IOException e) {
      throw new SigningException("cannot write key file " + file, e);
    }
  }

  /** Reads and decrypts an encrypted key file. */
  public SoftwareKey read(Path file, char[] password) throws SigningException {
    Object[] blocks = readPem(file);
    if (!(blocks[0] instanceof PKCS8EncryptedPrivateKeyInfo enc)) {
      throw new SigningException(file + " holds no encrypted private key");
    }
    PrivateKeyInfo info;
    try {
      info =
          enc.decryptPrivateKeyInfo(
              new JcePKCSPBEInputDecryptorProviderBuilder()
                  .setProvider(Bc.PROVIDER)
                  .build(password));
    } catch (PKCSException e) {
      throw new SigningException.WrongPasswordException(
          "cannot decrypt " + file + ": wrong password or corrupt file", e);
    }
    return checked(file, SoftwareKey.fromPrivateKeyInfo(info, random), blocks[1]);
  }

  /** Reads an unencrypted test key file ({@code PRIVATE KEY} block). */
  public static SoftwareKey readUnencryptedTestKey(Path file, SecureRandom random)
      throws SigningException {
    Object[] blocks = readPem(file);
    if (!(blocks[0] instanceof PrivateKeyInfo info)) {
      throw new SigningException(file + " holds no unencrypted private key");
    }
    return checked(file, SoftwareKey.fromPrivateKeyInfo(info, random), blocks[1]);
  }

  /** Whether {@code file} holds an encrypted key (as opposed to a published test key). */
  public static boolean isEncrypted(Path file) throws SigningException {
    return readPem(file)[0] instanceof PKCS8EncryptedPrivateKeyInfo;
  }

  private static SoftwareKey checked(Path file, SoftwareKey key, Object publicBlock)
      throws SigningException {
    if (publicBlock instanceof SubjectPublicKeyInfo spki) {
      try {
        if (!Arrays.equals(spki.getEncoded("DER"), key.publicKeySpki())) {
          throw new SigningException(file + ": the public key does not belong to the private key");
        }
      } catch (IOException e) {
        throw new SigningException("cannot encode public key of " + file, e);
      }
    }
    return key;
  }

  /** Returns {private block, public block or null}. */
  private static Object[] readPem(Path file) throws SigningException {
    String text;
    try {
      if (Files.size(file) > 64 * 1024) {
        throw new SigningException(file + " is too large to be a key file");
      }
      text = Files.readString(file, StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new SigningException("cannot read key file " + file, e);
    }
    try (PEMParser parser = new PEMParser(new StringReader(text))) {
      Object first = parser.readObject();
      Object second = parser.readObject();
      if (first == null) {
        throw new SigningException(file + " holds no PEM key");
      }
      return new Object[] {first, second};
    } catch (IOException | RuntimeException e) {
      throw new SigningException(file + " is not a readable PEM key file", e);
    }
  }

  private static void writePem(Path file, String type, byte[] privateDer, byte[] spki)
      throws IOException {
    StringWriter sw = new StringWriter();
    try (PemWriter w = new PemWriter(sw)) {
      w.writeObject(new PemObject(type, privateDer));
      w.writeObject(new PemObject("PUBLIC KEY", spki));
    }
    writeAtomically(file, sw.toString().getBytes(StandardCharsets.US_ASCII));
  }

  static void writeAtomically(Path file, byte[] bytes) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path tmp = Files.createTempFile(dir, ".writ-key", ".tmp");
    try {
      Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
      Files.write(tmp, bytes);
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }
}
