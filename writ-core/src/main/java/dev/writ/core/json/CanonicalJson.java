package dev.writ.core.json;

import dev.writ.core.json.JsonValue.JsonArray;
import dev.writ.core.json.JsonValue.JsonBool;
import dev.writ.core.json.JsonValue.JsonInteger;
import dev.writ.core.json.JsonValue.JsonNull;
import dev.writ.core.json.JsonValue.JsonNumber;
import dev.writ.core.json.JsonValue.JsonObject;
import dev.writ.core.json.JsonValue.JsonString;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * RFC 8785 (JSON Canonicalization Scheme) serialization: members sorted by UTF-16 code units, no
 * insignificant whitespace, minimal string escaping, ECMAScript number formatting.
 *
 * <p>Thread-safe: stateless.
 */
public final class CanonicalJson {
  private CanonicalJson() {}

  /** The canonical UTF-8 bytes of {@code value}. */
  public static byte[] write(JsonValue value) {
    Buffer out = new Buffer();
    append(out, value);
    return out.toByteArray();
  }

  /**
   * Compares {@code input} with the canonical bytes of {@code value} without building them.
   *
   * @return -1 if {@code input} is exactly the canonical form, else the offset of the first byte
   *     that differs (or the length of the shorter of the two)
   */
  public static long firstDifference(JsonValue value, byte[] input) {
    Compare c = new Compare(input);
    append(c, value);
    if (c.mismatch >= 0) {
      return c.mismatch;
    }
    return c.pos == input.length ? -1 : Math.min(c.pos, input.length);
  }

  /** Where canonical bytes go: a buffer, or a comparison against given bytes. */
  private abstract static class Sink {
    abstract void put(int b);

    final void ascii(String s) {
      for (int i = 0; i < s.length(); i++) {
        put(s.charAt(i));
      }
    }
  }

  private static final class Buffer extends Sink {
    private byte[] buf = new byte[256];
    private int n;

    @Override
    void put(int b) {
      if (n == buf.length) {
        buf = Arrays.copyOf(buf, n * 2);
      }
      buf[n++] = (byte) b;
    }

    byte[] toByteArray() {
      return Arrays.copyOf(buf, n);
    }
  }

  private static final class Compare extends Sink {
    private final byte[] in;
    private int pos;
    private long mismatch = -1;

    Compare(byte[] in) {
      this.in = in;
    }

    @Override
    void put(int b) {
      if (mismatch < 0 && (pos >= in.length || in[pos] != (byte) b)) {
        mismatch = pos;
      }
      pos++;
    }
  }

  private static void append(Sink out, JsonValue value) {
    switch (value) {
      case JsonObject o -> {
        List<Map.Entry<String, JsonValue>> members = new ArrayList<>(o.members().entrySet());
        // String.compareTo orders by UTF-16 code units, exactly as RFC 8785 section 3.2.3 asks
        members.sort(Map.Entry.comparingByKey());
        out.put('{');
        boolean first = true;
        for (Map.Entry<String, JsonValue> m : members) {
          if (!first) {
            out.put(',');
          }
          first = false;
          appendString(out, m.getKey());
          out.put(':');
          append(out, m.getValue());
        }
        out.put('}');
      }
      case JsonArray a -> {
        out.put('[');
        boolean first = true;
        for (JsonValue e : a.elements()) {
          if (!first) {
            out.put(',');
          }
          first = false;
          append(out, e);
        }
        out.put(']');
      }
      case JsonString s -> appendString(out, s.value());
      case JsonInteger i -> out.ascii(Long.toString(i.value()));
      case JsonNumber n -> out.ascii(es6(n.value()));
      case JsonBool b -> out.ascii(b.value() ? "true" : "false");
      case JsonNull ignored -> out.ascii("null");
    }
  }

  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private static void appendString(Sink out, String s) {
    out.put('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.ascii("\\\"");
        case '\\' -> out.ascii("\\\\");
        case '\b' -> out.ascii("\\b");
        case '\f' -> out.ascii("\\f");
        case '\n' -> out.ascii("\\n");
        case '\r' -> out.ascii("\\r");
        case '\t' -> out.ascii("\\t");
        default -> {
          if (c < 0x20) {
            out.ascii("\\u00");
            out.put(HEX[c >> 4]);
            out.put(HEX[c & 0xf]);
          } else if (c < 0x80) {
            out.put(c);
          } else {
            i = utf8(out, s, i);
          }
        }
      }
    }
    out.put('"');
  }

  /** Writes the code point at {@code i} as UTF-8; returns the index of its last char. */
  private static int utf8(Sink out, String s, int i) {
    int cp = s.codePointAt(i);
    if (Character.isSurrogate(s.charAt(i)) && cp == s.charAt(i)) {
      out.put('?'); // a lone surrogate, written as String.getBytes(UTF_8) would
      return i;
    }
    if (cp < 0x800) {
      out.put(0xc0 | (cp >> 6));
    } else if (cp < 0x10000) {
      out.put(0xe0 | (cp >> 12));
      out.put(0x80 | ((cp >> 6) & 0x3f));
    } else {
      out.put(0xf0 | (cp >> 18));
      out.put(0x80 | ((cp >> 12) & 0x3f));
      out.put(0x80 | ((cp >> 6) & 0x3f));
    }
    out.put(0x80 | (cp & 0x3f));
    return i + Character.charCount(cp) - 1;
  }

  /**
   * ECMAScript {@code Number.prototype.toString} (ECMA-262 section 6.1.6.1.20) as RFC 8785 section
   * 3.2.2.3 requires. Relies on {@link Double#toString} producing the shortest uniquely-identifying
   * digits, which the JDK does since 19 (JDK-4511638).
   */
  static String es6(double d) {
    if (d == 0) {
      return "0";
    }
    if (d < 0) {
      return "-" + es6(-d);
    }
    BigDecimal exact = new BigDecimal(Double.toString(d)).stripTrailingZeros();
    if (exact.precision() == 2) {
      // Double.toString never prints fewer than two digits, so where one suffices (only the
      // smallest subnormals: 4.9E-324 for 5e-324) it may print a closer two-digit decimal; ES6
      // wants the fewest digits, the closest such (ECMA-262 section 6.1.6.1.20 step 5)
      BigDecimal one = new BigDecimal(d).round(new MathContext(1, RoundingMode.HALF_EVEN));
      if (Double.parseDouble(one.toString()) == d) {
        exact = one.stripTrailingZeros();
      }
    }
    String digits = exact.unscaledValue().toString();
    int k = digits.length();
    int n = k - exact.scale();
    if (k <= n && n <= 21) {
      return digits + "0".repeat(n - k);
    }
    if (0 < n && n <= 21) {
      return digits.substring(0, n) + "." + digits.substring(n);
    }
    if (-6 < n && n <= 0) {
      return "0." + "0".repeat(-n) + digits;
    }
    int e = n - 1;
    String exponent = (e < 0 ? "e-" : "e+") + Math.abs(e);
    if (k == 1) {
      return digits + exponent;
    }
    return digits.charAt(0) + "." + digits.substring(1) + exponent;
  }
}
