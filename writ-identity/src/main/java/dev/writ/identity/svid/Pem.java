package dev.writ.identity.svid;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The textual encoding of RFC 7468: {@code -----BEGIN <label>-----}, base64 lines, {@code -----END
 * <label>-----}. Strict inside a block (matching labels, no RFC 1421 headers, canonical base64);
 * text between blocks is explanatory text and ignored, as RFC 7468 section 5.2 allows. Stateless
 * and thread-safe.
 */
final class Pem {
  static final String CERTIFICATE = "CERTIFICATE";
  static final String PRIVATE_KEY = "PRIVATE KEY";

  private static final String BEGIN = "-----BEGIN ";
  private static final String END = "-----END ";
  private static final String DASHES = "-----";

  /** RFC 7468 section 3 "label": printable ASCII without '-', single spaces between words. */
  private static final Pattern LABEL = Pattern.compile("[!-,.-~]+( [!-,.-~]+)*");

  /** One block: its label and the bytes its base64 encodes. Not copied: callers only read. */
  static final class Block {
    private final String label;
    private final byte[] der;

    Block(String label, byte[] der) {
      this.label = label;
      this.der = der;
    }

    String label() {
      return label;
    }

    byte[] der() {
      return der;
    }
  }

  private Pem() {}

  /**
   * The blocks of {@code input} in order. Input that is not ASCII, a block without its END line,
   * mismatched labels, headers or bad base64 are refused with {@code failure}.
   */
  static List<Block> decode(byte[] input, SvidFailure failure, String what) throws SvidException {
    for (byte b : input) {
      if (b < 0) {
        throw new SvidException(failure, what + " is not PEM: it has non-ASCII bytes");
      }
    }
    String text = new String(input, StandardCharsets.US_ASCII);
    List<Block> blocks = new ArrayList<>();
    String label = null;
    StringBuilder body = new StringBuilder();
    for (String raw : text.split("\n", -1)) {
      String line = raw.strip();
      if (label == null) {
        if (line.startsWith(BEGIN)) {
          label = label(line, BEGIN, failure, what);
          body.setLength(0);
        } else if (line.startsWith(END)) {
          throw new SvidException(failure, what + " has an END line without a BEGIN line");
        }
        continue;
      }
      if (line.startsWith(END)) {
        if (!label(line, END, failure, what).equals(label)) {
          throw new SvidException(failure, what + " has a " + label + " block with another END");
        }
        blocks.add(new Block(label, base64(body.toString(), failure, what, label)));
        label = null;
      } else if (line.startsWith(DASHES) || line.indexOf(':') >= 0) {
        throw new SvidException(failure, what + " has a " + label + " block with a bad line");
      } else {
        body.append(line);
      }
    }
    if (label != null) {
      throw new SvidException(failure, what + " has a " + label + " block without END line");
    }
    return blocks;
  }

  /** One block as PEM text, 64 base64 characters a line, ending in a newline. */
  static String encode(String label, byte[] der) {
    return BEGIN
        + label
        + DASHES
        + "\n"
        + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
        + "\n"
        + END
        + label
        + DASHES
        + "\n";
  }

  private static String label(String line, String prefix, SvidFailure failure, String what)
      throws SvidException {
    if (!line.endsWith(DASHES) || line.length() < prefix.length() + DASHES.length() + 1) {
      throw new SvidException(failure, what + " has a malformed PEM boundary line");
    }
    String label = line.substring(prefix.length(), line.length() - DASHES.length());
    if (!LABEL.matcher(label).matches()) {
      throw new SvidException(failure, what + " has a malformed PEM label");
    }
    return label;
  }

  private static byte[] base64(String body, SvidFailure failure, String what, String label)
      throws SvidException {
    try {
      byte[] der = Base64.getDecoder().decode(body);
      if (der.length == 0) {
        throw new SvidException(failure, what + " has an empty " + label + " block");
      }
      return der;
    } catch (IllegalArgumentException e) {
      throw new SvidException(failure, what + " has a " + label + " block with bad base64", e);
    }
  }
}
