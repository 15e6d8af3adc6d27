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
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
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
    StringBuilder sb = new StringBuilder();
    append(sb, value);
    return sb.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static void append(StringBuilder sb, JsonValue value) {
    switch (value) {
      case JsonObject o -> {
        List<Map.Entry<String, JsonValue>> members = new ArrayList<>(o.members().entrySet());
        // String.compareTo orders by UTF-16 code units, exactly as RFC 8785 section 3.2.3 asks
        members.sort(Map.Entry.comparingByKey());
        sb.append('{');
        boolean first = true;
        for (Map.Entry<String, JsonValue> m : members) {
          if (!first) {
            sb.append(',');
          }
          first = false;
          appendString(sb, m.getKey());
          sb.append(':');
          append(sb, m.getValue());
        }
        sb.append('}');
      }
      case JsonArray a -> {
        sb.append('[');
        boolean first = true;
        for (JsonValue e : a.elements()) {
          if (!first) {
            sb.append(',');
          }
          first = false;
          append(sb, e);
        }
        sb.append(']');
      }
      case JsonString s -> appendString(sb, s.value());
      case JsonInteger i -> sb.append(i.value());
      case JsonNumber n -> sb.append(es6(n.value()));
      case JsonBool b -> sb.append(b.value());
      case JsonNull ignored -> sb.append("null");
    }
  }

  private static void appendString(StringBuilder sb, String s) {
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\b' -> sb.append("\\b");
        case '\f' -> sb.append("\\f");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        default -> {
          if (c < 0x20) {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    sb.append('"');
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
