package dev.writ.core.json;

import static org.assertj.core.api.Assertions.assertThat;

import dev.writ.core.ConformanceData;
import dev.writ.core.json.JsonValue.JsonNumber;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * RFC 8785 reference data (cyberphone/json-canonicalization): every input file canonicalizes to its
 * output file byte for byte, and every line of the ES6 number file serializes as expected.
 */
class JcsConformanceTest {
  private static final JsonLimits LIMITS = new JsonLimits(1 << 20, 64, 1 << 20, 10_000);
  private static final int NUMBER_LINES = 10_000;

  @Test
  void canonicalize_everyReferenceInput_equalsReferenceOutputBytes() throws Exception {
    Optional<Path> dir = ConformanceData.dir("jcs");
    if (dir.isEmpty()) {
      return;
    }
    List<Path> inputs;
    try (Stream<Path> s = Files.list(dir.get().resolve("input"))) {
      inputs = s.filter(p -> p.toString().endsWith(".json")).sorted().toList();
    }
    assertThat(inputs).as("reference inputs").hasSize(6);
    JsonReader reader = new JsonReader(LIMITS, JsonReader.Mode.ANY_NUMBER);
    List<String> wrong = new ArrayList<>();
    for (Path input : inputs) {
      byte[] expected =
          Files.readAllBytes(dir.get().resolve("output").resolve(input.getFileName()));
      byte[] actual = CanonicalJson.write(reader.read(Files.readAllBytes(input)));
      if (!Arrays.equals(actual, expected)) {
        wrong.add(
            input.getFileName()
                + ": got "
                + new String(actual, StandardCharsets.UTF_8)
                + ", expected "
                + new String(expected, StandardCharsets.UTF_8));
      }
      // the canonical output is itself canonical, so the strict check accepts it unchanged
      assertThat(CanonicalJson.write(reader.readCanonical(expected))).isEqualTo(expected);
    }
    assertThat(wrong).isEmpty();
  }

  @Test
  void es6Number_everyLineOfTenThousand_serializesAsExpected() throws IOException {
    Optional<Path> dir = ConformanceData.dir("jcs");
    if (dir.isEmpty()) {
      return;
    }
    int lines = 0;
    List<String> wrong = new ArrayList<>();
    try (BufferedReader in =
        Files.newBufferedReader(
            dir.get().resolve("numbers").resolve("es6testfile10k.txt"),
            StandardCharsets.US_ASCII)) {
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        lines++;
        int comma = line.indexOf(',');
        assertThat(comma).as("line %d has a comma", lines).isPositive();
        long bits = HexFormat.fromHexDigitsToLong(line.substring(0, comma));
        String expected = line.substring(comma + 1);
        String actual =
            new String(
                CanonicalJson.write(new JsonNumber(Double.longBitsToDouble(bits))),
                StandardCharsets.UTF_8);
        if (!actual.equals(expected)) {
          wrong.add(line + " -> " + actual);
        }
      }
    }
    assertThat(lines).isEqualTo(NUMBER_LINES);
    assertThat(wrong).as("lines serialized differently").isEmpty();
  }
}
