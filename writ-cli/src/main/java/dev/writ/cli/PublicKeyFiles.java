package dev.writ.cli;

import dev.writ.core.PublicKeyVerifier;
import dev.writ.core.WritDeniedException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads the {@code PUBLIC KEY} PEM block from a key file or a public-key file. */
final class PublicKeyFiles {
  private static final Pattern BLOCK =
      Pattern.compile("-----BEGIN PUBLIC KEY-----([A-Za-z0-9+/=\\s]+)-----END PUBLIC KEY-----");

  private PublicKeyFiles() {}

  static PublicKeyVerifier read(Path file) throws CliException {
    String text = new String(Files2.read(file), StandardCharsets.US_ASCII);
    Matcher m = BLOCK.matcher(text);
    if (!m.find()) {
      throw new CliException(file + " holds no PUBLIC KEY block");
    }
    try {
      byte[] der = Base64.getMimeDecoder().decode(m.group(1));
      return PublicKeyVerifier.decodeAny(der);
    } catch (IllegalArgumentException e) {
      throw new CliException(file + ": PUBLIC KEY block is not base64", e);
    } catch (WritDeniedException e) {
      throw new CliException(file + ": " + e.detail(), e);
    }
  }

  static String pem(byte[] spki) {
    String b64 =
        Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(spki);
    return "-----BEGIN PUBLIC KEY-----\n" + b64 + "\n-----END PUBLIC KEY-----\n";
  }
}
