package dev.writ.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.writ.core.Reason;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The work reason codes (writ.md section 11, third table) have no writ vectors: a vector carries no
 * receipt, log history or host. Each must instead have a test named {@code ..._refused<Code>} in
 * the agent's work tests, which asserts the code.
 */
class WorkReasonCoverageTest {
  @Test
  void everyWorkReason_hasANamedRefusalTest() {
    List<String> names =
        Stream.of(WorkChecksTest.class, LogWitnessTest.class, ExecuteActionTest.class)
            .flatMap(c -> Stream.of(c.getDeclaredMethods()))
            .map(Method::getName)
            .toList();
    List<Reason> work = Stream.of(Reason.values()).filter(Reason::isWorkReason).toList();
    List<Reason> missing = new ArrayList<>();
    for (Reason r : work) {
      String marker = "_refused" + camel(r);
      if (names.stream().noneMatch(n -> n.endsWith(marker) || n.contains(marker + "_"))) {
        missing.add(r);
      }
    }

    assertThat(work)
        .containsExactly(Reason.RECEIPT_INVALID, Reason.LOG_INCONSISTENT, Reason.TIER_UNAVAILABLE);
    assertThat(missing).as("work reasons without a named refusal test").isEmpty();
  }

  @Test
  void workReasons_areNeitherVerifierNorEnrollmentReasons() {
    for (Reason r : Reason.values()) {
      if (r.isWorkReason()) {
        assertThat(r.isVerifierReason()).as(r.name()).isFalse();
        assertThat(r.isEnrollmentReason()).as(r.name()).isFalse();
      }
    }
  }

  private static String camel(Reason r) {
    StringBuilder sb = new StringBuilder();
    for (String part : r.name().split("_", -1)) {
      sb.append(part.charAt(0)).append(part.substring(1).toLowerCase(Locale.ROOT));
    }
    return sb.toString();
  }
}
