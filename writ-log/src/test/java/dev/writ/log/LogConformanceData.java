package dev.writ.log;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where the third-party conformance data (shared/vectors) is; the same rule as writ-core's
 * ConformanceData. Surefire passes the folder as system property {@value #PROPERTY}. When it is
 * unset or missing, a test prints one line and returns; in CI (environment {@code CI=true}) the
 * missing data is a failure instead.
 */
final class LogConformanceData {
  static final String PROPERTY = "writ.vectors.dir";

  private LogConformanceData() {}

  /** The folder {@code sub} of the vectors folder, or empty after printing why; fails in CI. */
  static Optional<Path> dir(String sub) {
    String property = System.getProperty(PROPERTY);
    String problem;
    if (property == null || property.isBlank()) {
      problem = "system property " + PROPERTY + " is not set";
    } else {
      Path dir = Path.of(property).resolve(sub);
      if (Files.isDirectory(dir)) {
        return Optional.of(dir);
      }
      problem = "conformance data folder " + dir + " does not exist";
    }
    if ("true".equals(System.getenv("CI"))) {
      throw new AssertionError(problem + ", and CI=true: conformance tests must run in CI");
    }
    System.out.println("conformance data not found (" + problem + "); test not run");
    return Optional.empty();
  }
}
