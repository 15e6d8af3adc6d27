package dev.writ.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.writ.core.Reason;
import dev.writ.identity.AttestationFailure;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The enrollment and identity reason codes (writ.md section 11, second table) cannot be writ
 * vectors: they need an enrollment exchange, a TLS handshake or hardware evidence. So each is
 * covered here instead: an evidence failure maps to the reason of the same name (its verifier has a
 * test per failure code in writ-identity), and every other one has a server test named {@code
 * ..._deniesWith<Reason>} that reaches it end to end.
 */
class EnrollmentReasonCoverageTest {

  @Test
  void everyAttestationFailure_mapsToTheReasonOfTheSameName() {
    for (AttestationFailure f : AttestationFailure.values()) {
      assertThat(EvidenceChecker.reason(f).name()).isEqualTo(f.name());
      assertThat(EvidenceChecker.reason(f).isVerifierReason()).isFalse();
    }
  }

  @Test
  void everyOtherEnrollmentReason_hasANamedDenialTest() {
    Set<Reason> fromEvidence = EnumSet.noneOf(Reason.class);
    for (AttestationFailure f : AttestationFailure.values()) {
      fromEvidence.add(EvidenceChecker.reason(f));
    }
    List<String> names =
        Stream.of(EnrollmentTest.class, RenewalTest.class)
            .flatMap(c -> Stream.of(c.getDeclaredMethods()))
            .map(Method::getName)
            .toList();
    List<Reason> missing = new ArrayList<>();
    for (Reason r : Reason.values()) {
      if (!r.isEnrollmentReason() || fromEvidence.contains(r)) {
        continue;
      }
      String suffix = "_deniesWith" + camel(r);
      if (names.stream().noneMatch(n -> n.endsWith(suffix) || n.contains(suffix + "A"))) {
        missing.add(r);
      }
    }
    assertThat(missing).as("enrollment reasons without an end-to-end test").isEmpty();
  }

  private static String camel(Reason r) {
    StringBuilder sb = new StringBuilder();
    for (String part : r.name().split("_", -1)) {
      sb.append(part.charAt(0)).append(part.substring(1).toLowerCase(Locale.ROOT));
    }
    return sb.toString();
  }
}
