package dev.writ.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every {@link Reason} has a test named {@code ..._deniesWith<Reason>} in {@link VerifierTest} or
 * {@link TrustRootTest}, so a new reason code cannot land without a fixture for it.
 */
class ReasonCoverageTest {

  private static String camel(Reason r) {
    StringBuilder sb = new StringBuilder();
    for (String part : r.name().split("_", -1)) {
      sb.append(part.charAt(0)).append(part.substring(1).toLowerCase(Locale.ROOT));
    }
    return sb.toString();
  }

  @Test
  void everyReason_hasANamedDenialTest() {
    List<String> names =
        Stream.of(VerifierTest.class, TrustRootTest.class)
            .flatMap(c -> Stream.of(c.getDeclaredMethods()))
            .map(Method::getName)
            .toList();
    List<Reason> missing = new ArrayList<>();
    for (Reason r : Reason.values()) {
      if (!r.isVerifierReason()) {
        continue; // enrollment reasons: covered by writ-server's enrollment tests
      }
      String suffix = "_deniesWith" + camel(r);
      if (names.stream().noneMatch(n -> n.endsWith(suffix) || n.contains(suffix + "And"))) {
        missing.add(r);
      }
    }
    assertThat(missing).as("reasons without a test").isEmpty();
  }
}
