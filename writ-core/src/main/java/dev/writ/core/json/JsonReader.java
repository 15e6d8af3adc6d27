package dev.writ.core.json;

import dev.writ.core.json.JsonException.Kind;
import dev.writ.core.json.JsonValue.JsonArray;
import dev.writ.core.json.JsonValue.JsonBool;
import dev.writ.core.json.JsonValue.JsonInteger;
import dev.writ.core.json.JsonValue.JsonNull;
import dev.writ.core.json.JsonValue.JsonNumber;
import dev.writ.core.json.JsonValue.JsonObject;
import dev.writ.core.json.JsonValue.JsonString;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A bounded, strict JSON (RFC 8259 / I-JSON RFC 7493) reader over UTF-8 bytes.
 *
 * <p>Always refused: invalid UTF-8 (including overlong forms and encoded surrogates), a byte order
 * mark, duplicate object keys, lone surrogates in escapes, control characters in strings, trailing
 * content, and any input beyond {@link JsonLimits}. In {@link Mode#INTEGERS_ONLY} mode (writs,
 * roots, envelopes) a number must be an integer in the I-JSON safe range without fraction or
 * exponent. {@link Mode#ANY_NUMBER} reads any finite number as a double; it exists for conformance
 * data and tools, never for input that carries authority.
 *
 * <p>Thread-safe: instances hold only immutable configuration.
 */
public final class JsonReader {

  /** Which numbers are accepted. */
  public enum Mode {
    INTEGERS_ONLY,
    ANY_NUMBER
  }

  private final JsonLimits limits;
  private final Mode mode;

  public JsonReader(JsonLimits limits, Mode mode) {
    this.limits = limits;
    this.mode = mode;
  }

  /** Parses {@code input} into a value or throws; never returns a partial value. */
  public JsonValue read(byte[] input) throws JsonException {
    if (input.length > limits.maxBytes()) {
      throw new JsonException(
          Kind.LIMIT, -1, "input is " + input.length + " bytes, limit " + limits.maxBytes());
    }
    return new Parse(input).document();
  }

  /**
   * Parses {@code input} and also requires that its bytes are exactly the RFC 8785 canonical
   * serialization of the value ({@link Kind#NON_CANONICAL} otherwise).
   */
  public JsonValue readCanonical(byte[] input) throws JsonException {
    JsonValue value = read(input);
    long at = CanonicalJson.firstDifference(value, input);
    if (at >= 0) {
      throw new JsonException(Kind.NON_CANONICAL, at, "not in RFC 8785 canonical form");
    }
    return value;
  }

  private final class Parse {
    private final byte[] in;
    private int pos;

    Parse(byte[] in) {
      this.in = in;
    }

    JsonValue document() throws JsonException {
      skipWhitespace();
      JsonValue value = value(1);
      skipWhitespace();
      if (pos != in.length) {
        throw malformed("trailing content");
      }
      return value;
    }

    private JsonValue value(int depth) throws JsonException {
      if (pos >= in.length) {
        throw malformed("unexpected end of input");
      }
      byte b = in[pos];
      return switch (b) {
        case '{' -> object(depth);
        case '[' -> array(depth);
        case '"' -> new JsonString(string());
        case 't' -> literal("true", new JsonBool(true));
        case 'f' -> literal("false", new JsonBool(false));
        case 'n' -> literal("null", JsonNull.INSTANCE);
        default -> {
          if (b == '-' || (b >= '0' && b <= '9')) {
            yield number();
          }
          throw malformed("unexpected character");
        }
      };
    }

    private void checkDepth(int depth) throws JsonException {
      if (depth > limits.maxDepth()) {
        throw new JsonException(Kind.LIMIT, pos, "nesting deeper than " + limits.maxDepth());
      }
    }

    private JsonValue object(int depth) throws JsonException {
      checkDepth(depth);
      pos++; // '{'
      Map<String, JsonValue> members = new LinkedHashMap<>();
      skipWhitespace();
      if (peek() == '}') {
        pos++;
        return new JsonObject(members);
      }
      while (true) {
        skipWhitespace();
        if (peek() != '"') {
          throw malformed("expected a string key");
        }
        int keyAt = pos;
        String key = string();
        skipWhitespace();
        expect(':');
        skipWhitespace();
        JsonValue v = value(depth + 1);
        if (members.putIfAbsent(key, v) != null) {
          throw new JsonException(
              Kind.MALFORMED, keyAt, "duplicate key \"" + printable(key) + "\"");
        }
        if (members.size() > limits.maxMembers()) {
          throw new JsonException(Kind.LIMIT, pos, "more than " + limits.maxMembers() + " members");
        }
        skipWhitespace();
        byte c = peek();
        pos++;
        if (c == '}') {
          return new JsonObject(members);
        }
        if (c != ',') {
          pos--;
          throw malformed("expected ',' or '}'");
        }
      }
    }

    private JsonValue array(int depth) throws JsonException {
      checkDepth(depth);
      pos++; // '['
      List<JsonValue> elements = new ArrayList<>();
      skipWhitespace();
      if (peek() == ']') {
        pos++;
        return new JsonArray(elements);
      }
      while (true) {
        skipWhitespace();
        elements.add(value(depth + 1));
        if (elements.size() > limits.maxMembers()) {
          throw new JsonException(
              Kind.LIMIT, pos, "more than " + limits.maxMembers() + " elements");
        }
        skipWhitespace();
        byte c = peek();
        pos++;
        if (c == ']') {
          return new JsonArray(elements);
        }
        if (c != ',') {
          pos--;
          throw malformed("expected ',' or ']'");
        }
      }
    }

    private JsonValue literal(String word, JsonValue v) throws JsonException {
      int n = word.length();
      if (pos + n > in.length) {
        throw malformed("unexpected end of input");
      }
      for (int i = 0; i < n; i++) {
        if (in[pos + i] != word.charAt(i)) {
          throw malformed("unexpected character");
        }
      }
      pos += n;
      return v;
    }

    private JsonValue number() throws JsonException {
      int start = pos;
      if (peek() == '-') {
        pos++;
      }
      if (pos >= in.length) {
        throw malformed("unexpected end of number");
      }
      if (in[pos] == '0') {
        pos++;
      } else if (in[pos] >= '1' && in[pos] <= '9') {
        while (pos < in.length && isDigit(in[pos])) {
          pos++;
        }
      } else {
        throw malformed("invalid number");
      }
      boolean integer = true;
      if (pos < in.length && in[pos] == '.') {
        integer = false;
        pos++;
        digits();
      }
      if (pos < in.length && (in[pos] == 'e' || in[pos] == 'E')) {
        integer = false;
        pos++;
        if (pos < in.length && (in[pos] == '+' || in[pos] == '-')) {
          pos++;
        }
        digits();
      }
      String text = new String(in, start, pos - start, java.nio.charset.StandardCharsets.US_ASCII);
      if (mode == Mode.INTEGERS_ONLY) {
        if (!integer) {
          throw new JsonException(Kind.MALFORMED, start, "only integers are allowed");
        }
        // at most 16 digits plus sign fit the safe range; longer text cannot
        if (text.length() > 17) {
          throw new JsonException(Kind.MALFORMED, start, "integer out of range");
        }
        long v = Long.parseLong(text);
        if (v > JsonInteger.MAX_SAFE || v < -JsonInteger.MAX_SAFE) {
          throw new JsonException(Kind.MALFORMED, start, "integer out of range");
        }
        return new JsonInteger(v);
      }
      // the JSON grammar above is a subset of Java's; parseDouble rounds correctly and, unlike
      // BigDecimal, takes any exponent (1e-2147483649 is 0, 1e99999999999999 infinite)
      double d = Double.parseDouble(text);
      if (!Double.isFinite(d)) {
        throw new JsonException(Kind.MALFORMED, start, "number out of range");
      }
      return new JsonNumber(d);
    }

    private void digits() throws JsonException {
      int start = pos;
      while (pos < in.length && isDigit(in[pos])) {
        pos++;
      }
      if (pos == start) {
        throw malformed("expected a digit");
      }
    }

    private String string() throws JsonException {
      int start = pos;
      pos++; // opening quote
      StringBuilder sb = new StringBuilder();
      while (true) {
        if (pos >= in.length) {
          throw new JsonException(Kind.MALFORMED, start, "unterminated string");
        }
        if (pos - start > limits.maxStringBytes() + 1) {
          throw new JsonException(
              Kind.LIMIT, start, "string longer than " + limits.maxStringBytes() + " bytes");
        }
        int b = in[pos] & 0xff;
        if (b == '"') {
          pos++;
          return sb.toString();
        }
        if (b == '\\') {
          escape(sb);
        } else if (b < 0x20) {
          throw malformed("control character in string");
        } else if (b < 0x80) {
          sb.append((char) b);
          pos++;
        } else {
          sb.appendCodePoint(utf8());
        }
      }
    }

    private void escape(StringBuilder sb) throws JsonException {
      int at = pos;
      pos++; // backslash
      if (pos >= in.length) {
        throw malformed("unterminated escape");
      }
      byte c = in[pos++];
      switch (c) {
        case '"' -> sb.append('"');
        case '\\' -> sb.append('\\');
        case '/' -> sb.append('/');
        case 'b' -> sb.append('\b');
        case 'f' -> sb.append('\f');
        case 'n' -> sb.append('\n');
        case 'r' -> sb.append('\r');
        case 't' -> sb.append('\t');
        case 'u' -> {
          char u = hex4();
          if (Character.isHighSurrogate(u)) {
            if (pos + 1 < in.length && in[pos] == '\\' && in[pos + 1] == 'u') {
              pos += 2;
              char low = hex4();
              if (!Character.isLowSurrogate(low)) {
                throw new JsonException(Kind.MALFORMED, at, "lone surrogate in escape");
              }
              sb.append(u).append(low);
            } else {
              throw new JsonException(Kind.MALFORMED, at, "lone surrogate in escape");
            }
          } else if (Character.isLowSurrogate(u)) {
            throw new JsonException(Kind.MALFORMED, at, "lone surrogate in escape");
          } else {
            sb.append(u);
          }
        }
        default -> throw new JsonException(Kind.MALFORMED, at, "invalid escape");
      }
    }

    private char hex4() throws JsonException {
      if (pos + 4 > in.length) {
        throw malformed("truncated \\u escape");
      }
      int v = 0;
      for (int i = 0; i < 4; i++) {
        int d = Character.digit(in[pos + i], 16);
        if (d < 0) {
          throw malformed("invalid \\u escape");
        }
        v = (v << 4) | d;
      }
      pos += 4;
      return (char) v;
    }

    /** Decodes one multi-byte UTF-8 sequence strictly (RFC 3629). */
    private int utf8() throws JsonException {
      int at = pos;
      int b0 = in[pos] & 0xff;
      int n;
      int cp;
      int min;
      if (b0 >= 0xc2 && b0 <= 0xdf) {
        n = 1;
        cp = b0 & 0x1f;
        min = 0x80;
      } else if (b0 >= 0xe0 && b0 <= 0xef) {
        n = 2;
        cp = b0 & 0x0f;
        min = 0x800;
      } else if (b0 >= 0xf0 && b0 <= 0xf4) {
        n = 3;
        cp = b0 & 0x07;
        min = 0x10000;
      } else {
        throw new JsonException(Kind.MALFORMED, at, "invalid UTF-8");
      }
      if (pos + n >= in.length) {
        throw new JsonException(Kind.MALFORMED, at, "truncated UTF-8");
      }
      for (int i = 1; i <= n; i++) {
        int b = in[pos + i] & 0xff;
        if ((b & 0xc0) != 0x80) {
          throw new JsonException(Kind.MALFORMED, at, "invalid UTF-8");
        }
        cp = (cp << 6) | (b & 0x3f);
      }
      if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
        throw new JsonException(Kind.MALFORMED, at, "invalid UTF-8");
      }
      pos += n + 1;
      return cp;
    }

    private void skipWhitespace() {
      while (pos < in.length) {
        byte b = in[pos];
        if (b == ' ' || b == '\t' || b == '\n' || b == '\r') {
          pos++;
        } else {
          return;
        }
      }
    }

    private byte peek() throws JsonException {
      if (pos >= in.length) {
        throw malformed("unexpected end of input");
      }
      return in[pos];
    }

    private void expect(char c) throws JsonException {
      if (peek() != c) {
        throw malformed("expected '" + c + "'");
      }
      pos++;
    }

    private JsonException malformed(String message) {
      return new JsonException(Kind.MALFORMED, pos, message);
    }
  }

  private static boolean isDigit(byte b) {
    return b >= '0' && b <= '9';
  }

  private static String printable(String s) {
    String cut = s.length() > 40 ? s.substring(0, 40) + "…" : s;
    StringBuilder sb = new StringBuilder();
    cut.codePoints()
        .forEach(cp -> sb.append(cp < 0x20 || cp == 0x7f ? '?' : Character.toString(cp)));
    return sb.toString();
  }
}
