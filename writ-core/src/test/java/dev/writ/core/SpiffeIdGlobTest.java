package dev.writ.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class SpiffeIdGlobTest {

  private static boolean matches(String glob, String id) throws WritDeniedException {
    return SpiffeIdGlob.parse(glob).matches(SpiffeId.parse(id));
  }

  @ParameterizedTest
  @CsvSource({
    "spiffe://td/node/*, spiffe://td/node/a, true",
    "spiffe://td/node/*, spiffe://td/node/web-1.x_y, true",
    "spiffe://td/node/*, spiffe://td/node/a/b, false",
    "spiffe://td/*, spiffe://td/node/a, false",
    "spiffe://td/*/a, spiffe://td/node/a, true",
    "spiffe://td/*/a, spiffe://td/x/y/a, false",
    "spiffe://td/node/web-*, spiffe://td/node/web-1, true",
    "spiffe://td/node/web-*, spiffe://td/node/web-, true",
    "spiffe://td/node/web-*, spiffe://td/node/db-1, false",
    "spiffe://td/node/*-eu, spiffe://td/node/web-eu, true",
    "spiffe://td/node/*-eu, spiffe://td/node/web-eu-2, false",
    "spiffe://td/node/a*b*c, spiffe://td/node/aXXbYYc, true",
    "spiffe://td/node/a*b*c, spiffe://td/node/acb, false",
    "spiffe://td/node/**, spiffe://td/node/x, true",
    "spiffe://td/node/a.b, spiffe://td/node/a.b, true",
    "spiffe://td/node/a.b, spiffe://td/node/aXb, false",
    "spiffe://td/node/a, spiffe://td/node/A, false",
    "spiffe://td/node/*, spiffe://other/node/a, false",
    "spiffe://td/node/*, spiffe://td.evil/node/a, false",
    "spiffe://sub.td/node/*, spiffe://td/node/a, false"
  })
  void matches_star_neverCrossesSlashOrTrustDomain(String glob, String id, boolean expected)
      throws WritDeniedException {
    assertThat(matches(glob, id)).isEqualTo(expected);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "spiffe://*/node/a",
        "spiffe://*.td/node/a",
        "spiffe://td/./a",
        "spiffe://td/../a",
        "spiffe://td/a/..",
        "spiffe://td/a/.",
        "spiffe://td//a",
        "spiffe://td/a/",
        "spiffe://td/",
        "spiffe://td",
        "spiffe://td/a?b",
        "spiffe://td/a[b]",
        "spiffe://td/a\\b",
        "spiffe://td/a+",
        "spiffe://td/(a)",
        "spiffe://td/a|b"
      })
  void parse_invalidGlob_refusedAsMalformed(String s) {
    assertThatThrownBy(() -> SpiffeIdGlob.parse(s))
        .isInstanceOfSatisfying(
            WritDeniedException.class, e -> assertThat(e.reason()).isEqualTo(Reason.MALFORMED));
  }

  @Example
  void parse_roundTripsAndEqualsByText() throws WritDeniedException {
    SpiffeIdGlob g = SpiffeIdGlob.parse("spiffe://td/node/*");
    assertThat(g).hasToString("spiffe://td/node/*").isEqualTo(SpiffeIdGlob.parse(g.toString()));
    assertThat(g.trustDomain()).isEqualTo("td");
  }

  /**
   * A glob with many stars against a long segment that does not match: a backtracking regular
   * expression takes exponential time here; the matcher must answer at once.
   */
  @Example
  void matches_manyStarsAgainstLongNonMatchingSegment_answersFalse() throws WritDeniedException {
    String glob = "spiffe://td/" + "*a".repeat(40) + "b";
    String id = "spiffe://td/" + "a".repeat(2000);
    assertThat(matches(glob, id)).isFalse();
    assertThat(matches(glob, id + "b")).isTrue();
  }

  /** The matcher agrees with a straightforward regular expression on small inputs. */
  @Property(tries = 3000)
  void matches_agreesWithReferenceRegex(
      @ForAll("globPaths") String globPath, @ForAll("idPaths") String idPath)
      throws WritDeniedException {
    StringBuilder re = new StringBuilder();
    globPath
        .chars()
        .forEach(c -> re.append(c == '*' ? "[^/]*" : Pattern.quote(Character.toString(c))));
    boolean expected = Pattern.compile(re.toString()).matcher(idPath).matches();
    assertThat(matches("spiffe://td" + globPath, "spiffe://td" + idPath))
        .as("%s vs %s", globPath, idPath)
        .isEqualTo(expected);
  }

  @Provide
  Arbitrary<String> globPaths() {
    return Arbitraries.strings()
        .withChars('a', 'b', '*')
        .ofMinLength(1)
        .ofMaxLength(5)
        .list()
        .ofMinSize(1)
        .ofMaxSize(3)
        .map(segs -> "/" + String.join("/", segs));
  }

  @Provide
  Arbitrary<String> idPaths() {
    return Arbitraries.strings()
        .withChars('a', 'b')
        .ofMinLength(1)
        .ofMaxLength(6)
        .list()
        .ofMinSize(1)
        .ofMaxSize(3)
        .map(segs -> "/" + String.join("/", segs));
  }
}
