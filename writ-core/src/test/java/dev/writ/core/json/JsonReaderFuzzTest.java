package dev.writ.core.json;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Fuzzes the strict reader in both number modes, with roomy and with tight limits. Only {@link
 * JsonException} may escape {@code read}/{@code readCanonical}; anything else (a runtime exception,
 * a stack overflow) is a bug. Oracles: whatever {@code read} accepts, its canonical bytes are read
 * back by {@code readCanonical} to a value with the same canonical bytes; whatever {@code
 * readCanonical} accepts is exactly its own canonical serialization.
 *
 * <p>Regression inputs and seeds: {@code
 * src/test/resources/dev/writ/core/json/JsonReaderFuzzTestInputs/<method>/}. Fuzzing: {@code
 * scripts/fuzz json-integers} or {@code scripts/fuzz json-any}.
 */
class JsonReaderFuzzTest {
  private static final JsonLimits ROOMY = new JsonLimits(1 << 16, 32, 1 << 14, 1 << 10);
  private static final JsonLimits TIGHT = new JsonLimits(64, 3, 8, 3);

  @FuzzTest
  void readIntegersOnly(byte[] input) {
    exercise(JsonReader.Mode.INTEGERS_ONLY, input);
  }

  @FuzzTest
  void readAnyNumber(byte[] input) {
    exercise(JsonReader.Mode.ANY_NUMBER, input);
  }

  private static void exercise(JsonReader.Mode mode, byte[] input) {
    for (JsonLimits limits : new JsonLimits[] {ROOMY, TIGHT}) {
      JsonReader reader = new JsonReader(limits, mode);
      JsonValue value;
      try {
        value = reader.read(input);
      } catch (JsonException e) {
        assertThat(e.kind()).isNotNull();
        continue;
      }
      byte[] canonical = CanonicalJson.write(value);
      try {
        JsonValue again = new JsonReader(ROOMY, mode).readCanonical(canonical);
        assertThat(CanonicalJson.write(again)).isEqualTo(canonical);
      } catch (JsonException e) {
        // canonical bytes can be longer than the input (escapes): only a LIMIT is acceptable
        assertThat(e.kind())
            .as("re-reading canonical bytes: " + e)
            .isEqualTo(JsonException.Kind.LIMIT);
      }
      try {
        reader.readCanonical(input);
        assertThat(canonical).isEqualTo(input);
      } catch (JsonException e) {
        assertThat(e.kind()).isEqualTo(JsonException.Kind.NON_CANONICAL);
      }
    }
  }
}
