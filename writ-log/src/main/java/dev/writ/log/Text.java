package dev.writ.log;

import dev.writ.log.LogVerificationException.Reason;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

/** Strict decoding shared by the note, key and checkpoint parsers. */
final class Text {
  private Text() {}

  /** Standard base64 with padding, in its one canonical spelling; empty if not that. */
  static Optional<byte[]> base64(String s) {
    byte[] raw;
    try {
      raw = Base64.getDecoder().decode(s);
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
    return Base64.getEncoder().encodeToString(raw).equals(s) ? Optional.of(raw) : Optional.empty();
  }

  static String base64(byte[] raw) {
    return Base64.getEncoder().encodeToString(raw);
  }

  /** Strict UTF-8 decoding: malformed or unmappable input is refused with {@code reason}. */
  static String utf8(byte[] bytes, Reason reason) throws LogVerificationException {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      throw new LogVerificationException(reason, "not valid UTF-8", e);
    }
  }

  /** True when {@code s} has no control character (Unicode Cc: C0, DEL, C1) but newline. */
  static boolean noControlExceptNewline(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c != '\n' && Character.getType(c) == Character.CONTROL) {
        return false;
      }
    }
    return true;
  }

  /** True when {@code s} has no unpaired surrogate, so it has a UTF-8 encoding. */
  static boolean wellFormed(String s) {
    return StandardCharsets.UTF_8.newEncoder().canEncode(s);
  }

  /** UTF-8 length of a well-formed string. */
  static int utf8Length(String s) {
    return s.getBytes(StandardCharsets.UTF_8).length;
  }
}
