package dev.writ.core.json;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An immutable JSON value. Objects keep their members in input order; the canonical writer sorts
 * them. Integers and other numbers are distinct: the strict reader produces only {@link
 * JsonInteger}, the lenient reader (for conformance data) produces {@link JsonNumber} for values
 * with a fraction or exponent.
 *
 * <p>Thread-safe: all implementations are immutable.
 */
public sealed interface JsonValue
    permits JsonValue.JsonObject,
        JsonValue.JsonArray,
        JsonValue.JsonString,
        JsonValue.JsonInteger,
        JsonValue.JsonNumber,
        JsonValue.JsonBool,
        JsonValue.JsonNull {

  /** A JSON object; member order is the input order. */
  record JsonObject(Map<String, JsonValue> members) implements JsonValue {
    public JsonObject {
      members = Collections.unmodifiableMap(new LinkedHashMap<>(members));
    }
  }

  /** A JSON array. */
  record JsonArray(List<JsonValue> elements) implements JsonValue {
    public JsonArray {
      elements = List.copyOf(elements);
    }
  }

  /** A JSON string; never holds a lone surrogate when produced by the readers. */
  record JsonString(String value) implements JsonValue {}

  /** An integer within the I-JSON safe range (|n| &lt;= 2^53 - 1). */
  record JsonInteger(long value) implements JsonValue {
    /** RFC 7493 section 2.2: the largest integer every JSON implementation represents exactly. */
    public static final long MAX_SAFE = (1L << 53) - 1;

    public JsonInteger {
      if (value > MAX_SAFE || value < -MAX_SAFE) {
        throw new IllegalArgumentException("integer outside the I-JSON range: " + value);
      }
    }
  }

  /** A finite IEEE-754 double (lenient reader only). */
  record JsonNumber(double value) implements JsonValue {
    public JsonNumber {
      if (!Double.isFinite(value)) {
        throw new IllegalArgumentException("JSON numbers are finite");
      }
    }
  }

  /** {@code true} or {@code false}. */
  record JsonBool(boolean value) implements JsonValue {}

  /** {@code null}. */
  enum JsonNull implements JsonValue {
    INSTANCE
  }
}
