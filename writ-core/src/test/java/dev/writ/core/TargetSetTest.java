package dev.writ.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class TargetSetTest {

  private static SpiffeId id(String s) throws WritDeniedException {
    return SpiffeId.parse(s);
  }

  private static List<SpiffeId> ids() throws WritDeniedException {
    return List.of(
        id("spiffe://td/node/web-2"),
        id("spiffe://td/node/Web-1"),
        id("spiffe://td/node/web-10"),
        id("spiffe://td/node/a"));
  }

  /** SHA-256 of {@code ["a","b",...]} with the IDs sorted by string order, no spaces. */
  private static byte[] expectedHash(List<SpiffeId> ids) throws Exception {
    String json =
        ids.stream()
            .map(SpiffeId::toString)
            .sorted()
            .distinct()
            .map(s -> "\"" + s + "\"")
            .collect(Collectors.joining(",", "[", "]"));
    return MessageDigest.getInstance("SHA-256").digest(json.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void hash_equalsSha256OfJcsBytesOfSortedArray() throws Exception {
    assertThat(TargetSet.of(ids()).hash().digest()).isEqualTo(expectedHash(ids()));
  }

  @Test
  void hash_knownValue_forTwoIds() throws Exception {
    // ["spiffe://td/node/a","spiffe://td/node/b"] hashed by hand, independent of sorting code
    byte[] expected =
        MessageDigest.getInstance("SHA-256")
            .digest(
                "[\"spiffe://td/node/a\",\"spiffe://td/node/b\"]".getBytes(StandardCharsets.UTF_8));
    TargetSet s = TargetSet.of(List.of(id("spiffe://td/node/b"), id("spiffe://td/node/a")));
    assertThat(s.hash().digest()).isEqualTo(expected);
    assertThat(s.hash()).hasToString("sha256:" + HexFormat.of().formatHex(expected));
  }

  @Test
  void hash_isIndependentOfInputOrderAndDuplicates() throws Exception {
    List<SpiffeId> shuffled = new ArrayList<>(ids());
    Collections.reverse(shuffled);
    shuffled.add(shuffled.getFirst());
    assertThat(TargetSet.of(shuffled).hash()).isEqualTo(TargetSet.of(ids()).hash());
    assertThat(TargetSet.of(shuffled).ids()).hasSize(4);
  }

  @Test
  void hash_differsWhenTheSetDiffers() throws Exception {
    List<SpiffeId> fewer = new ArrayList<>(ids());
    fewer.removeLast();
    assertThat(TargetSet.of(fewer).hash()).isNotEqualTo(TargetSet.of(ids()).hash());
  }

  @Test
  void contains_onlyMembers() throws Exception {
    TargetSet s = TargetSet.of(ids());
    assertThat(s.contains(id("spiffe://td/node/a"))).isTrue();
    assertThat(s.contains(id("spiffe://td/node/b"))).isFalse();
  }

  @Test
  void setHash_parse_roundTripsAndRefusesOtherForms() throws Exception {
    String text = TargetSet.of(ids()).hash().toString();
    assertThat(TargetSet.SetHash.parse(text)).isEqualTo(TargetSet.of(ids()).hash());
    for (String bad :
        List.of(
            text.toUpperCase(Locale.ROOT),
            text.substring(0, text.length() - 1),
            text + "0",
            text.substring("sha256:".length()))) {
      assertThatThrownBy(() -> TargetSet.SetHash.parse(bad))
          .isInstanceOfSatisfying(
              WritDeniedException.class, e -> assertThat(e.reason()).isEqualTo(Reason.MALFORMED));
    }
  }
}
