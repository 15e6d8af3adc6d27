package dev.writ.log;

import dev.writ.log.LogVerificationException.Reason;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Opens c2sp.org/signed-note notes: the text (ending in a newline), one blank line, then one or
 * more lines {@code — <name> <base64(4-byte key id || signature)>\n}.
 *
 * <p>Guarantees of {@link #open}: the note is within {@link LogLimits}, valid UTF-8 with no control
 * character but newline, well-formed in every line; every signature by a known key (matched by name
 * and key id) verifies over the text bytes; at least one does. Signatures by unknown keys are
 * ignored, as the spec requires, and are not reported. A second signature by the same known key is
 * refused as malformed.
 *
 * <p>Stateless and thread-safe.
 */
public final class SignedNotes {
  /** U+2014 EM DASH and a space: the start of every signature line. */
  static final String SIGNATURE_PREFIX = "\u2014 ";

  /** Bytes of the key id that starts each signature. */
  private static final int KEY_ID_BYTES = 4;

  private SignedNotes() {}

  /** Parses {@code note} and verifies it against {@code known}, or throws. */
  public static VerifiedNote open(byte[] note, List<NoteVerifierKey> known)
      throws LogVerificationException {
    if (note.length > LogLimits.MAX_NOTE_BYTES) {
      throw malformed(note.length + " bytes, more than " + LogLimits.MAX_NOTE_BYTES);
    }
    String s = Text.utf8(note, Reason.MALFORMED_NOTE);
    if (!Text.noControlExceptNewline(s)) {
      throw malformed("control character");
    }
    int split = s.lastIndexOf("\n\n");
    if (split < 0) {
      throw malformed("no blank line before the signatures");
    }
    String text = s.substring(0, split + 1);
    String block = s.substring(split + 2);
    if (lineCount(text) > LogLimits.MAX_NOTE_TEXT_LINES) {
      throw malformed("more than " + LogLimits.MAX_NOTE_TEXT_LINES + " text lines");
    }
    if (block.isEmpty() || !block.endsWith("\n")) {
      throw malformed("signature lines missing or not ending in a newline");
    }
    List<String> lines = Arrays.asList(block.substring(0, block.length() - 1).split("\n", -1));
    if (lines.size() > LogLimits.MAX_NOTE_SIGNATURES) {
      throw malformed("more than " + LogLimits.MAX_NOTE_SIGNATURES + " signatures");
    }
    byte[] message = text.getBytes(StandardCharsets.UTF_8);
    List<NoteVerifierKey> signers = new ArrayList<>();
    Set<NoteVerifierKey> seen = new HashSet<>();
    for (String line : lines) {
      Signature sig = parseLine(line);
      for (NoteVerifierKey key : known) {
        if (key.name().equals(sig.name()) && key.keyId() == sig.keyId()) {
          if (!seen.add(key)) {
            throw malformed("two signatures by " + key.name());
          }
          key.verify(message, sig.signature());
          signers.add(key);
        }
      }
    }
    if (signers.isEmpty()) {
      throw new LogVerificationException(
          Reason.NO_KNOWN_SIGNATURE, "no signature by any of " + known.size() + " known keys");
    }
    return new VerifiedNote(text, signers);
  }

  /** One parsed signature line. */
  private static final class Signature {
    private final String name;
    private final int keyId;
    private final byte[] signature;

    Signature(String name, int keyId, byte[] signature) {
      this.name = name;
      this.keyId = keyId;
      this.signature = signature;
    }

    String name() {
      return name;
    }

    int keyId() {
      return keyId;
    }

    byte[] signature() {
      return signature;
    }
  }

  private static Signature parseLine(String line) throws LogVerificationException {
    if (!line.startsWith(SIGNATURE_PREFIX)) {
      throw malformed("a signature line must start with an em dash and a space");
    }
    String rest = line.substring(SIGNATURE_PREFIX.length());
    int space = rest.indexOf(' ');
    if (space < 0) {
      throw malformed("signature line is not <name> <signature>");
    }
    String name = rest.substring(0, space);
    if (NoteVerifierKey.nameProblem(name).isPresent()) {
      throw malformed("bad key name in a signature line");
    }
    byte[] raw =
        Text.base64(rest.substring(space + 1))
            .orElseThrow(() -> malformed("signature is not canonical base64"));
    if (raw.length <= KEY_ID_BYTES) {
      throw malformed("signature shorter than its key id");
    }
    int keyId =
        ((raw[0] & 0xff) << 24)
            | ((raw[1] & 0xff) << 16)
            | ((raw[2] & 0xff) << 8)
            | (raw[3] & 0xff);
    return new Signature(name, keyId, Arrays.copyOfRange(raw, KEY_ID_BYTES, raw.length));
  }

  private static int lineCount(String text) {
    int n = 0;
    for (int i = 0; i < text.length(); i++) {
      if (text.charAt(i) == '\n') {
        n++;
      }
    }
    return n;
  }

  private static LogVerificationException malformed(String detail) {
    return new LogVerificationException(Reason.MALFORMED_NOTE, detail);
  }
}
