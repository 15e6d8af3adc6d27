package dev.writ.it.boundary;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The signing boundary at the level of the project's modules, on the real repository and on small
 * fixture repositories (src/test/resources/boundary-poms/) that show the check bites.
 */
class ModuleBoundaryPomTest {

  @Test
  void realRepo_serverAgentStateAndCoreNeverReachWritSign() throws Exception {
    ModuleGraph graph = ModuleGraph.read(Repo.dir());

    assertThat(graph.modules()).contains("writ-core", "writ-sign", "writ-it");
    assertThat(PomBoundary.violations(graph))
        .as("chains of the project's own dependencies into writ-sign (DESIGN.md section 9)")
        .isEmpty();
  }

  /**
   * The bytecode test reads writ-server/-agent/-state's target/classes; depending on them makes the
   * reactor build them before writ-it, so it never reads missing or stale classes.
   */
  @Test
  void realRepo_writItDependsOnEveryGuardedModuleThatExists() throws Exception {
    ModuleGraph graph = ModuleGraph.read(Repo.dir());
    List<String> present = new ArrayList<>();
    for (String module : BytecodeBoundary.GUARDED_MODULES.keySet()) {
      if (graph.modules().contains(module)) {
        present.add(module);
      }
    }

    assertThat(graph.directDependencies("writ-it"))
        .as("writ-it/pom.xml must list these as test-scoped dependencies")
        .containsAll(present);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          transitive      | writ-state -> writ-foo -> writ-sign
          profile         | writ-server -> writ-sign
          test-scope      | writ-agent -> writ-sign
          plugin          | writ-server -> writ-sign
          project-groupid | writ-core -> writ-foo -> writ-sign
          parent-groupid  | writ-agent -> writ-sign
          """)
  void fixtureRepo_reachingWritSign_reportsTheChain(String fixture, String chain) throws Exception {
    ModuleGraph graph = ModuleGraph.read(fixture(fixture));

    assertThat(PomBoundary.violations(graph)).containsExactly(chain);
  }

  @Test
  void fixtureRepo_clean_hasNoViolation() throws Exception {
    ModuleGraph graph = ModuleGraph.read(fixture("clean"));

    assertThat(PomBoundary.violations(graph)).isEmpty();
    // dependencyManagement pins and a foreign artifact that happens to be called writ-sign
    assertThat(graph.directDependencies("writ-server")).containsExactly("writ-core");
    assertThat(graph.closure("writ-sign")).containsExactly("writ-core");
  }

  @Test
  void fixtureRepo_dependencyOnAModuleWithUnresolvableGroup_failsClosed() throws Exception {
    Path repo = fixture("unresolvable");

    assertThatThrownBy(() -> ModuleGraph.read(repo))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("cannot resolve dependency ${hidden.group}:writ-sign");
  }

  private static Path fixture(String name) throws URISyntaxException {
    URL url = ModuleBoundaryPomTest.class.getResource("/boundary-poms/" + name);
    assertThat(url).as("fixture " + name).isNotNull();
    Path dir = Path.of(url.toURI());
    assertThat(Files.isDirectory(dir)).isTrue();
    return dir;
  }
}
