package dev.writ.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code writ server}'s refusals of bad input: exit 2 before anything starts. */
class MainTest {
  @TempDir Path dir;

  @Test
  void missingRoot_isUsageError() {
    assertThat(Main.run(new String[] {"--data", dir.toString(), "--root", "nope.json"}))
        .isEqualTo(2);
  }

  @Test
  void rootThatIsNotARoot_isUsageError() throws Exception {
    Path root = Files.writeString(dir.resolve("root.json"), "{}");
    assertThat(Main.run(new String[] {"--data", dir.toString(), "--root", root.toString()}))
        .isEqualTo(2);
  }

  @Test
  void missingRequiredOption_isUsageError() {
    assertThat(Main.run(new String[] {"--data", dir.toString()})).isEqualTo(2);
  }

  private static String vectorRoot() {
    return Path.of(System.getProperty("writ.repo.dir", "."), "docs/spec/vectors/root.json")
        .toString();
  }

  @Test
  void tlsPortOption_isGone_usageError() {
    assertThat(
            Main.run(
                new String[] {"--data", dir.toString(), "--root", vectorRoot(), "--tls-port", "0"}))
        .isEqualTo(2);
  }

  @Test
  void listenWithoutPort_isUsageError() {
    assertThat(
            Main.run(
                new String[] {"--data", dir.toString(), "--root", vectorRoot(), "--listen", "h"}))
        .isEqualTo(2);
  }

  @Test
  void listenPortOutOfRange_isUsageError() {
    assertThat(
            Main.run(
                new String[] {
                  "--data", dir.toString(), "--root", vectorRoot(), "--listen", "127.0.0.1:65536"
                }))
        .isEqualTo(2);
  }

  @Test
  void peersWithoutId_isUsageError() {
    assertThat(
            Main.run(
                new String[] {
                  "--data",
                  dir.toString(),
                  "--root",
                  vectorRoot(),
                  "--peers",
                  "p0=127.0.0.1:1,p1=127.0.0.1:2,p2=127.0.0.1:3"
                }))
        .isEqualTo(2);
  }

  @Test
  void help_exitsZero() {
    assertThat(Main.run(new String[] {"--help"})).isZero();
  }
}
