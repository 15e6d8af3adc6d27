package dev.writ.core;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Where the third-party conformance data (shared/vectors) is. Surefire passes the folder as system
 * property {@value #PROPERTY}. When it is unset or missing, a conformance test prints one line and
 * returns without asserting, so a checkout without shared/ still builds; in CI (environment {@code
 * CI=true}) the missing data is a failure instead, so CI can never pass without running them.
 *
 * <p>Tests call {@link #dir(String)} and return early on an empty result.
 */
public final class ConformanceData {
  /** The system property naming the vectors folder. */
  public static final String PROPERTY = "writ.vectors.dir";

  private ConformanceData() {}

  /**
   * The folder {@code sub} of the vectors folder (for example {@code "wycheproof"}), or empty after
   * printing why; fails in CI.
   */
  public static Optional<Path> dir(String sub) {
    return locate(System.getProperty(PROPERTY), System.getenv(), sub);
  }

  /** {@link #dir} with its inputs passed in, so the CI rule itself can be tested. */
  static Optional<Path> locate(String property, Map<String, String> env, String sub) {
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
    if ("true".equals(env.get("CI"))) {
      throw new AssertionError(problem + ", and CI=true: conformance tests must run in CI");
    }
    System.out.println("conformance data not found (" + problem + "); test not run");
    return Optional.empty();
  }
}
