package dev.writ.it.boundary;

import java.util.ArrayList;
import java.util.List;

/**
 * The module-level half of the signing boundary (DESIGN.md section 9): the modules that run the
 * control plane and the fleet never reach {@code writ-sign}, the only module touching operator
 * keys, through any chain of the project's own dependencies; and {@code writ-core}, which all of
 * them share, does not either.
 */
final class PomBoundary {
  static final String SIGNING_MODULE = "writ-sign";

  /** Modules that must never reach {@link #SIGNING_MODULE}, in report order. */
  static final List<String> GUARDED =
      List.of("writ-server", "writ-agent", "writ-state", "writ-core");

  private PomBoundary() {}

  /** One line per guarded module that reaches writ-sign: the shortest chain, e.g. a -> b -> c. */
  static List<String> violations(ModuleGraph graph) {
    List<String> out = new ArrayList<>();
    for (String module : GUARDED) {
      if (graph.modules().contains(module)) {
        graph.path(module, SIGNING_MODULE).ifPresent(p -> out.add(String.join(" -> ", p)));
      }
    }
    return out;
  }
}
