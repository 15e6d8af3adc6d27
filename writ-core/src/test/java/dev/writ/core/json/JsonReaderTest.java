package dev.writ.core.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.writ.core.json.JsonException.Kind;
import dev.writ.core.json.JsonValue.JsonArray;
import dev.writ.core.json.JsonValue.JsonInteger;
import dev.writ.core.json.JsonValue.JsonNumber;
import dev.writ.core.json.JsonValue.JsonObject;
import dev.writ.core.json.JsonValue.JsonString;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** One test per rule of the strict reader; each asserts the exact {@link Kind}. */
class JsonReaderTest {
  private static final JsonLimits ROOMY = new JsonLimits(1 << 16, 16, 1 << 12, 1 << 10);
  private static final JsonReader STRICT = new JsonReader(ROOMY, JsonReader.Mode.INTEGERS_ONLY);
  private static final JsonReader ANY = new JsonReader(ROOMY, JsonReader.Mode.ANY_NUMBER);

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** {@code prefix}, the raw bytes, then {@code suffix}: for encodings a String cannot hold. */
  private static byte[] raw(String prefix, int[] bytes, String suffix) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(utf8(prefix));
    for (int b : bytes) {
      out.write(b);
    }
    out.writeBytes(utf8(suffix));
    return out.toByteArray();
  }

  private static void assertRefused(JsonReader reader, byte[] input, Kind kind) {
    assertThatThrownBy(() -> reader.read(input))
        .isInstanceOfSatisfying(JsonException.class, e -> assertThat(e.kind()).isEqualTo(kind));
  }

  private static void assertRefusedCanonical(JsonReader reader, byte[] input, Kind kind) {
    assertThatThrownBy(() -> reader.readCanonical(input))
        .isInstanceOfSatisfying(JsonException.class, e -> assertThat(e.kind()).isEqualTo(kind));
  }

  // grammar and strict rules ------------------------------------------------------------------

  @Test
  void read_duplicateKey_refusedAsMalformedAtTheSecondKey() {
    byte[] input = utf8("{\"a\":1,\"a\":2}");
    assertThatThrownBy(() -> STRICT.read(input))
        .isInstanceOfSatisfying(
            JsonException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(Kind.MALFORMED);
              assertThat(e.offset()).isEqualTo(7);
            });
  }

  @Test
  void read_duplicateKeyWrittenWithAnEscape_refusedAsMalformed() {
    assertRefused(STRICT, utf8("{\"a\":1,\"\\u0061\":2}"), Kind.MALFORMED);
  }

  @Test
  void read_duplicateKeyInNestedObject_refusedAsMalformed() {
    assertRefused(STRICT, utf8("{\"x\":{\"k\":true,\"k\":true}}"), Kind.MALFORMED);
  }

  @Test
  void read_loneHighSurrogateEscape_refusedAsMalformed() {
    assertRefused(STRICT, utf8("\"\\ud800\""), Kind.MALFORMED);
  }

  @Test
  void read_highSurrogateEscapeFollowedByNonLowSurrogate_refusedAsMalformed() {
    assertRefused(STRICT, utf8("\"\\ud800\\u0041\""), Kind.MALFORMED);
  }

  @Test
  void read_highSurrogateEscapeAtEndOfString_refusedAsMalformed() {
    assertRefused(STRICT, utf8("\"a\\ud83d\"x"), Kind.MALFORMED);
  }

  @Test
  void read_loneLowSurrogateEscape_refusedAsMalformed() {
    assertRefused(STRICT, utf8("\"\\udc00\""), Kind.MALFORMED);
  }

  @Test
  void read_surrogatePairEscape_decodesToOneCodePoint() throws JsonException {
    assertThat(STRICT.read(utf8("\"\\ud83d\\ude00\""))).isEqualTo(new JsonString("\uD83D\uDE00"));
  }

  @Test
  void read_overlongUtf8_refusedAsMalformed() {
    // "/" as the two-byte overlong C0 AF, and NUL as the three-byte overlong E0 80 80
    assertRefused(STRICT, raw("\"", new int[] {0xc0, 0xaf}, "\""), Kind.MALFORMED);
    assertRefused(STRICT, raw("\"", new int[] {0xe0, 0x80, 0x80}, "\""), Kind.MALFORMED);
    assertRefused(STRICT, raw("\"", new int[] {0xf0, 0x82, 0x82, 0xac}, "\""), Kind.MALFORMED);
  }

  @Test
  void read_utf8EncodedSurrogate_refusedAsMalformed() {
    // U+D800 encoded directly as ED A0 80 (CESU-8 style), which RFC 3629 forbids
    assertRefused(STRICT, raw("\"", new int[] {0xed, 0xa0, 0x80}, "\""), Kind.MALFORMED);
  }

  @Test
  void read_truncatedUtf8Sequence_refusedAsMalformed() {
    // a three-byte lead followed by one continuation byte, then the closing quote
    assertRefused(STRICT, raw("\"", new int[] {0xe2, 0x82}, "\""), Kind.MALFORMED);
    // the input ends inside the sequence
    assertRefused(STRICT, raw("\"", new int[] {0xe2, 0x82}, ""), Kind.MALFORMED);
  }

  @Test
  void read_byteFF_refusedAsMalformed() {
    assertRefused(STRICT, raw("\"", new int[] {0xff}, "\""), Kind.MALFORMED);
  }

  @Test
  void read_codePointAboveUnicodeRange_refusedAsMalformed() {
    // F4 90 80 80 would be U+110000
    assertRefused(STRICT, raw("\"", new int[] {0xf4, 0x90, 0x80, 0x80}, "\""), Kind.MALFORMED);
  }

  @Test
  void read_validMultibyteUtf8_decodes() throws JsonException {
    assertThat(STRICT.read(utf8("\"é€😀\""))).isEqualTo(new JsonString("é€😀"));
  }

  @Test
  void read_byteOrderMark_refusedAsMalformed() {
    assertRefused(STRICT, raw("", new int[] {0xef, 0xbb, 0xbf}, "{}"), Kind.MALFORMED);
  }

  @Test
  void read_rawControlCharacterInString_refusedAsMalformed() {
    assertRefused(STRICT, raw("\"a", new int[] {0x01}, "\""), Kind.MALFORMED);
    assertRefused(STRICT, utf8("\"a\tb\""), Kind.MALFORMED);
    assertRefused(STRICT, utf8("\"a\nb\""), Kind.MALFORMED);
  }

  @Test
  void read_invalidEscape_refusedAsMalformed() {
    assertRefused(STRICT, utf8("\"\\x41\""), Kind.MALFORMED);
    assertRefused(STRICT, utf8("\"\\u00g1\""), Kind.MALFORMED);
    assertRefused(STRICT, utf8("\"\\u00"), Kind.MALFORMED);
  }

  @ParameterizedTest
  @ValueSource(strings = {"{} x", "{}{}", "1 2", "[]]", "\"a\"\"b\"", "null,"})
  void read_trailingContent_refusedAsMalformed(String input) {
    assertRefused(STRICT, utf8(input), Kind.MALFORMED);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        " ",
        "{",
        "[1,]",
        "{\"a\":}",
        "{\"a\"1}",
        "{a:1}",
        "tru",
        "nul",
        "[1 2]",
        "'a'"
      })
  void read_brokenGrammar_refusedAsMalformed(String input) {
    assertRefused(STRICT, utf8(input), Kind.MALFORMED);
  }

  // numbers ---------------------------------------------------------------------------------

  @ParameterizedTest
  @ValueSource(strings = {"1.0", "1.5", "1e2", "1E2", "1e+2", "-1e-2", "0.0"})
  void read_fractionOrExponentInIntegersOnlyMode_refusedAsMalformed(String input) {
    assertRefused(STRICT, utf8(input), Kind.MALFORMED);
  }

  @ParameterizedTest
  @ValueSource(strings = {"01", "-", "-a", "+1", ".5", "1.", "1e", "1e+"})
  void read_numberBreakingTheGrammar_refusedAsMalformed(String input) {
    assertRefused(STRICT, utf8(input), Kind.MALFORMED);
    assertRefused(ANY, utf8(input), Kind.MALFORMED);
  }

  @Test
  void read_largestSafeIntegers_accepted() throws JsonException {
    assertThat(STRICT.read(utf8("9007199254740991"))).isEqualTo(new JsonInteger((1L << 53) - 1));
    assertThat(STRICT.read(utf8("-9007199254740991")))
        .isEqualTo(new JsonInteger(-((1L << 53) - 1)));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "9007199254740992",
        "-9007199254740992",
        "9223372036854775807",
        "-9223372036854775808",
        "12345678901234567890",
        "99999999999999999999999999999999999999"
      })
  void read_integerBeyondTwoToThe53MinusOne_refusedAsMalformed(String input) {
    assertRefused(STRICT, utf8(input), Kind.MALFORMED);
  }

  @Test
  void read_anyNumberMode_readsFractionsAndExponentsAsDoubles() throws JsonException {
    assertThat(ANY.read(utf8("[1.5,1e2,-0.25]")))
        .isEqualTo(
            new JsonArray(
                List.of(new JsonNumber(1.5), new JsonNumber(100), new JsonNumber(-0.25))));
  }

  @ParameterizedTest
  @ValueSource(strings = {"1e400", "-1e400", "1e2147483648", "1e99999999999999", "-1E+4294967296"})
  void read_anyNumberModeHugeExponent_refusedAsMalformed(String input) {
    assertRefused(ANY, utf8(input), Kind.MALFORMED);
  }

  @ParameterizedTest
  @ValueSource(strings = {"1e-400", "1e-2147483649", "-1e-99999999999999"})
  void read_anyNumberModeTinyExponent_readsAsZero(String input) throws JsonException {
    assertThat(ANY.read(utf8(input)))
        .isInstanceOfSatisfying(JsonNumber.class, n -> assertThat(n.value()).isZero());
  }

  // limits ----------------------------------------------------------------------------------

  @Test
  void read_inputOverMaxBytes_refusedAsLimit() throws JsonException {
    JsonReader r = new JsonReader(new JsonLimits(10, 4, 10, 4), JsonReader.Mode.INTEGERS_ONLY);
    assertThat(r.read(utf8("[1,2,3,44]"))).isInstanceOf(JsonArray.class);
    assertRefused(r, utf8("[1,2,3,444]"), Kind.LIMIT);
  }

  @Test
  void read_nestingOverMaxDepth_refusedAsLimit() throws JsonException {
    JsonReader r = new JsonReader(new JsonLimits(100, 2, 10, 4), JsonReader.Mode.INTEGERS_ONLY);
    assertThat(r.read(utf8("[[1]]"))).isInstanceOf(JsonArray.class);
    assertThat(r.read(utf8("{\"a\":{}}"))).isInstanceOf(JsonObject.class);
    assertRefused(r, utf8("[[[1]]]"), Kind.LIMIT);
    assertRefused(r, utf8("{\"a\":{\"b\":{}}}"), Kind.LIMIT);
    assertRefused(r, utf8("[{\"a\":[]}]"), Kind.LIMIT);
  }

  @Test
  void read_deepNestingWithinTheByteLimit_refusedAsLimitNotStackOverflow() {
    String deep = "[".repeat(100_000) + "]".repeat(100_000);
    JsonReader r =
        new JsonReader(new JsonLimits(1 << 20, 64, 10, 4), JsonReader.Mode.INTEGERS_ONLY);
    assertRefused(r, utf8(deep), Kind.LIMIT);
  }

  @Test
  void read_objectOverMaxMembers_refusedAsLimit() throws JsonException {
    JsonReader r = new JsonReader(new JsonLimits(100, 4, 10, 2), JsonReader.Mode.INTEGERS_ONLY);
    assertThat(r.read(utf8("{\"a\":1,\"b\":2}"))).isInstanceOf(JsonObject.class);
    assertRefused(r, utf8("{\"a\":1,\"b\":2,\"c\":3}"), Kind.LIMIT);
  }

  @Test
  void read_arrayOverMaxMembers_refusedAsLimit() throws JsonException {
    JsonReader r = new JsonReader(new JsonLimits(100, 4, 10, 2), JsonReader.Mode.INTEGERS_ONLY);
    assertThat(r.read(utf8("[1,2]"))).isInstanceOf(JsonArray.class);
    assertRefused(r, utf8("[1,2,3]"), Kind.LIMIT);
  }

  @Test
  void read_stringOverMaxStringBytes_refusedAsLimit() throws JsonException {
    JsonReader r = new JsonReader(new JsonLimits(100, 4, 4, 4), JsonReader.Mode.INTEGERS_ONLY);
    assertThat(r.read(utf8("\"abcd\""))).isEqualTo(new JsonString("abcd"));
    assertRefused(r, utf8("\"abcde\""), Kind.LIMIT);
    assertRefused(r, utf8("{\"abcde\":1}"), Kind.LIMIT);
    assertRefused(r, utf8("\"abcé\""), Kind.LIMIT);
  }

  @Test
  void limits_zeroOrNegative_refused() {
    assertThatThrownBy(() -> new JsonLimits(0, 1, 1, 1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new JsonLimits(1, 1, -1, 1))
        .isInstanceOf(IllegalArgumentException.class);
  }

  // canonical form --------------------------------------------------------------------------

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{\"b\":1,\"a\":2}",
        "{\"a\": 1}",
        " {}",
        "{}\n",
        "[1, 2]",
        "-0",
        "\"\\/\"",
        "\"\\u0041\"",
        "\"\\u00e9\"",
        "\"\\u001F\"",
        "{\"a\":[{\"d\":1,\"c\":2}]}"
      })
  void readCanonical_validButNotCanonical_refusedAsNonCanonical(String input) {
    assertRefusedCanonical(STRICT, utf8(input), Kind.NON_CANONICAL);
  }

  @Test
  void readCanonical_exponentInAnyNumberMode_refusedAsNonCanonical() {
    assertRefusedCanonical(ANY, utf8("1E2"), Kind.NON_CANONICAL);
    assertRefusedCanonical(ANY, utf8("1.50"), Kind.NON_CANONICAL);
  }

  @Test
  void readCanonical_nonCanonical_reportsTheFirstDifferingByte() {
    assertThatThrownBy(() -> STRICT.readCanonical(utf8("{\"a\":1,\"c\":{\"e\":1, \"d\":2}}")))
        .isInstanceOfSatisfying(JsonException.class, e -> assertThat(e.offset()).isEqualTo(13));
  }

  @Test
  void readCanonical_malformedInput_reportsMalformedNotNonCanonical() {
    assertRefusedCanonical(STRICT, utf8("{\"a\":1,\"a\":1}"), Kind.MALFORMED);
  }

  @Test
  void readCanonical_canonicalDocument_roundTripsByteForByte() throws JsonException {
    byte[] doc =
        utf8(
            "{\"\":null,\"a\":[true,false,-12,0,{\"\\u001f\":\"\\\"\\\\\\b\\f\\n\\r\\t\"}],"
                + "\"b\":\"é€😀\u007f\",\"c\":{}}");
    JsonValue v = STRICT.readCanonical(doc);
    assertThat(CanonicalJson.write(v)).isEqualTo(doc);
    assertThat(((JsonObject) v).members()).containsKey("b");
  }

  @Test
  void readCanonical_membersSortedByUtf16CodeUnits_accepted() throws JsonException {
    // U+1F600 (surrogates D83D DE00) sorts before U+FFFD in UTF-16 order, after it by code point
    byte[] doc = utf8("{\"\uD83D\uDE00\":1,\"\uFFFD\":2}");
    assertThat(CanonicalJson.write(STRICT.readCanonical(doc))).isEqualTo(doc);
  }

  @Test
  void read_objectKeepsInputMemberOrder() throws JsonException {
    JsonObject o = (JsonObject) STRICT.read(utf8("{\"b\":1,\"a\":2}"));
    assertThat(o.members().keySet()).containsExactly("b", "a");
    assertThat(o.members()).isEqualTo(Map.of("a", new JsonInteger(2), "b", new JsonInteger(1)));
  }
}
