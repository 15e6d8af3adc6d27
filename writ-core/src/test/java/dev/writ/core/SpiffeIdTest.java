package dev.writ.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SpiffeIdTest {

  @Test
  void parse_validId_splitsTrustDomainAndPath() throws WritDeniedException {
    SpiffeId id = SpiffeId.parse("spiffe://fleet.example/node/web-1");
    assertThat(id.trustDomain()).isEqualTo("fleet.example");
    assertThat(id.path()).isEqualTo("/node/web-1");
    assertThat(id).hasToString("spiffe://fleet.example/node/web-1");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "spiffe://td",
        "spiffe://td/",
        "spiffe://td/a/",
        "spiffe://td//a",
        "spiffe://td/./a",
        "spiffe://td/a/..",
        "spiffe://td/a/../b",
        "spiffe:///a",
        "spiffe://TD/a",
        "spiffe://td:443/a",
        "spiffe://user@td/a",
        "spiffe://td/a?x=1",
        "spiffe://td/a#f",
        "spiffe://td/a%20b",
        "spiffe://td/a b",
        "spiffe://td/é",
        "SPIFFE://td/a",
        "https://td/a",
        "td/a",
        ""
      })
  void parse_invalidId_refusedAsMalformed(String s) {
    assertThatThrownBy(() -> SpiffeId.parse(s))
        .isInstanceOfSatisfying(
            WritDeniedException.class, e -> assertThat(e.reason()).isEqualTo(Reason.MALFORMED));
  }

  @Test
  void parse_idAtMaxLength_acceptedAndOneLongerRefused() throws WritDeniedException {
    String prefix = "spiffe://td/";
    String atMax = prefix + "a".repeat(SpiffeId.MAX_LENGTH - prefix.length());
    assertThat(SpiffeId.parse(atMax).toString()).hasSize(SpiffeId.MAX_LENGTH);
    assertThatThrownBy(() -> SpiffeId.parse(atMax + "a")).isInstanceOf(WritDeniedException.class);
  }

  @Test
  void constructor_invalidParts_refused() {
    assertThatThrownBy(() -> new SpiffeId("td", "/a/"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new SpiffeId("Td", "/a")).isInstanceOf(IllegalArgumentException.class);
  }
}
