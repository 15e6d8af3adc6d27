package dev.writ.core.json;

import static org.assertj.core.api.Assertions.assertThat;

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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** RFC 8785 serialization rules, and ES6 number formatting as a property over all doubles. */
class CanonicalJsonTest {

  private static String write(JsonValue v) {
    return new String(CanonicalJson.write(v), StandardCharsets.UTF_8);
  }

  @ParameterizedTest
  @CsvSource({
    "0, 0",
    "-0.0, 0",
    "1, 1",
    "-1.5, -1.5",
    "123.456, 123.456",
    "1e20, 100000000000000000000",
    "1e21, 1e+21",
    "0.000001, 0.000001",
    "1e-7, 1e-7",
    "4.9e-324, 5e-324",
    "9.9e-324, 1e-323",
    "1.7976931348623157e308, 1.7976931348623157e+308",
    "9007199254740992, 9007199254740992",
    "0.1, 0.1",
    "333333333.3333333, 333333333.3333333"
  })
  void es6_knownValues_matchEcmaScript(double value, String expected) {
    assertThat(write(new JsonNumber(value))).isEqualTo(expected);
  }

  @Property(tries = 5000)
  void es6_anyFiniteDoubleBits_parseBackToTheSameDoubleWithTheFewestDigits(@ForAll long bits) {
    double d = Double.longBitsToDouble(bits);
    if (!Double.isFinite(d)) {
      return;
    }
    checkShortestRoundTrip(d);
  }

  @Property(tries = 2000)
  void es6_anyGeneratedDouble_parseBackToTheSameDoubleWithTheFewestDigits(@ForAll double d) {
    checkShortestRoundTrip(d);
  }

  @Example
  void es6_smallestSubnormals_useOneDigitWhereOneSuffices() {
    for (long bits = 1; bits < 64; bits++) {
      checkShortestRoundTrip(Double.longBitsToDouble(bits));
    }
  }

  /** Round trip, and no decimal with one digit fewer rounds to {@code d} (ES6: k minimal). */
  private static void checkShortestRoundTrip(double d) {
    String s = write(new JsonNumber(d));
    assertThat(Double.parseDouble(s)).isEqualTo(d == 0 ? 0.0 : d);
    if (d == 0) {
      return;
    }
    int k = new BigDecimal(s).stripTrailingZeros().precision();
    if (k > 1) {
      BigDecimal closestShorter =
          new BigDecimal(d).round(new MathContext(k - 1, RoundingMode.HALF_EVEN));
      assertThat(Double.parseDouble(closestShorter.toString()))
          .as("%s has %d digits but %s also rounds to it", s, k, closestShorter)
          .isNotEqualTo(d);
    }
  }

  @Example
  void write_controlCharacters_useShortEscapesOrLowercaseHex() {
    assertThat(write(new JsonString("\b\f\n\r\t\"\\\u0000\u001f\u007f/é")))
        .isEqualTo("\"\\b\\f\\n\\r\\t\\\"\\\\\\u0000\\u001f\u007f/é\"");
  }

  @Example
  void write_objectMembers_sortedByUtf16CodeUnitsAtEveryLevel() {
    Map<String, JsonValue> inner = new LinkedHashMap<>();
    inner.put("b", new JsonInteger(1));
    inner.put("a", JsonNull.INSTANCE);
    Map<String, JsonValue> outer = new LinkedHashMap<>();
    outer.put("\uFFFD", new JsonBool(true));
    outer.put("\uD83D\uDE00", new JsonArray(List.of(new JsonObject(inner))));
    outer.put("", new JsonString(""));
    assertThat(write(new JsonObject(outer)))
        .isEqualTo("{\"\":\"\",\"\uD83D\uDE00\":[{\"a\":null,\"b\":1}],\"\uFFFD\":true}");
  }

  @Example
  void write_integers_printAsPlainDecimal() {
    assertThat(write(new JsonInteger(-JsonInteger.MAX_SAFE))).isEqualTo("-9007199254740991");
    assertThat(write(new JsonInteger(0))).isEqualTo("0");
  }
}
