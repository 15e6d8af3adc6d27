package dev.writ.it.work;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Hands every work test class the same {@link WorkFleet}, built on first use and closed when the
 * whole test run ends (JUnit closes {@link AutoCloseable} values of the root store): the fleet's
 * setup (keys, roots, a server, two TPM enrollments) is paid once, not once per class. Its folder
 * is under writ-it's {@code target/}, so the processes' logs stay for a failed run's reader.
 *
 * <p>Thread-safe: the root store computes the value once.
 */
final class SharedFleet implements ParameterResolver {
  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(SharedFleet.class);

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == WorkFleet.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return context
        .getRoot()
        .getStore(NAMESPACE)
        .getOrComputeIfAbsent(WorkFleet.class, k -> build(), WorkFleet.class);
  }

  private static WorkFleet build() {
    try {
      Path target = Path.of(System.getProperty("writ.repo.dir"), "writ-it", "target");
      return FleetSetup.start(
          Files.createTempDirectory(Files.createDirectories(target), "work-e2e-"));
    } catch (Exception e) {
      throw new ParameterResolutionException("cannot start the work fleet: " + e.getMessage(), e);
    }
  }
}
