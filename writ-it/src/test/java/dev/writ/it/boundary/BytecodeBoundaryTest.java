package dev.writ.it.boundary;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.EvaluationResult;
import dev.writ.agent.fixture.violating.KeyPairMinter;
import dev.writ.agent.fixture.violating.PrivateKeyDecoder;
import dev.writ.it.fixture.OutsideSigner;
import dev.writ.server.fixture.clean.SignatureChecker;
import dev.writ.server.fixture.violating.InitSignCaller;
import dev.writ.server.fixture.violating.OperatorKeyUser;
import dev.writ.state.fixture.violating.BouncyCastleSigner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The signing boundary in bytecode: {@link BytecodeBoundary#RULE} on the real writ-server,
 * writ-agent and writ-state classes (whichever exist), and on fixtures in this module's test
 * sources that show it bites. The fixtures live in writ-it/target/test-classes, which the
 * real-module test never reads: it imports only the guarded modules' own target/classes.
 */
class BytecodeBoundaryTest {
  private static final List<Class<?>> VIOLATING =
      List.of(
          InitSignCaller.class,
          OperatorKeyUser.class,
          KeyPairMinter.class,
          PrivateKeyDecoder.class,
          BouncyCastleSigner.class);

  private static final List<Class<?>> CLEAN = List.of(SignatureChecker.class, OutsideSigner.class);

  @Test
  void realModules_serverAgentStateClasses_neverSignOrTouchOperatorKeys() throws Exception {
    Path repo = Repo.dir();
    List<Path> classDirs = new ArrayList<>();
    for (Map.Entry<String, String> guarded :
        new TreeMap<>(BytecodeBoundary.GUARDED_MODULES).entrySet()) {
      Path module = repo.resolve(guarded.getKey());
      if (!Files.isRegularFile(module.resolve("pom.xml"))) {
        continue; // not written yet; ModuleBoundaryPomTest keeps the reactor order once it is
      }
      Path classes = module.resolve("target/classes");
      assertThat(Files.isDirectory(classes))
          .as(guarded.getKey() + " exists, so " + classes + " must too: build it before writ-it")
          .isTrue();
      JavaClasses imported = new ClassFileImporter().importPath(classes);
      String pkg = guarded.getValue();
      assertThat(imported.stream().filter(c -> !isInfo(c)).map(JavaClass::getPackageName))
          .as("every class of %s lives in %s.. so the rule's package filter sees it", module, pkg)
          .allMatch(p -> p.equals(pkg) || p.startsWith(pkg + "."));
      classDirs.add(classes);
    }

    JavaClasses real = new ClassFileImporter().importPaths(classDirs);

    assertThat(real.stream().map(JavaClass::getName))
        .as("no writ-it fixture is scanned as real code")
        .noneMatch(n -> n.contains(".fixture."));
    // with no guarded module written yet there is nothing to check, which is not a failure
    BytecodeBoundary.RULE.allowEmptyShould(true).check(real);
  }

  @Test
  void fixtures_rule_reportsExactlyTheViolatingFixtures() {
    List<Class<?>> all = new ArrayList<>(VIOLATING);
    all.addAll(CLEAN);

    EvaluationResult result =
        BytecodeBoundary.RULE.evaluate(new ClassFileImporter().importClasses(all));

    Set<String> expected = new TreeSet<>();
    VIOLATING.forEach(c -> expected.add(c.getName()));
    assertThat(result.hasViolation()).isTrue();
    assertThat(violators(result.getFailureReport().getDetails(), all))
        .containsExactlyElementsOf(expected);
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          dev.writ.server.fixture.violating.InitSignCaller    | java.security.Signature.initSign(java.security.PrivateKey)
          dev.writ.server.fixture.violating.InitSignCaller    | java.security.Signature.sign()
          dev.writ.server.fixture.violating.OperatorKeyUser   | dev.writ.sign.SoftwareKey
          dev.writ.agent.fixture.violating.KeyPairMinter      | java.security.KeyPairGenerator
          dev.writ.agent.fixture.violating.PrivateKeyDecoder  | java.security.KeyFactory.generatePrivate(java.security.spec.KeySpec)
          dev.writ.state.fixture.violating.BouncyCastleSigner | org.bouncycastle.crypto.signers.Ed25519Signer.generateSignature()
          dev.writ.state.fixture.violating.BouncyCastleSigner | org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters
          """)
  void fixture_violatingAlone_isReportedNamingTheApi(String fixture, String api) throws Exception {
    EvaluationResult result =
        BytecodeBoundary.RULE.evaluate(
            new ClassFileImporter().importClasses(Class.forName(fixture)));

    assertThat(result.getFailureReport().getDetails())
        .anySatisfy(line -> assertThat(line).contains("<" + fixture + ".").contains("<" + api));
  }

  @Test
  void fixtures_cleanOnes_passTheRule() {
    EvaluationResult result =
        BytecodeBoundary.RULE.evaluate(new ClassFileImporter().importClasses(CLEAN));

    assertThat(result.getFailureReport().getDetails()).isEmpty();
    assertThat(result.hasViolation()).isFalse();
  }

  /** The fixture class each report line starts from: "Method <origin...> calls ...". */
  private static Set<String> violators(List<String> details, List<Class<?>> candidates) {
    Set<String> out = new TreeSet<>();
    for (String line : details) {
      int open = line.indexOf('<');
      String origin = line.substring(open + 1, line.indexOf('>', open));
      String owner =
          candidates.stream()
              .map(Class::getName)
              .filter(n -> origin.equals(n) || origin.startsWith(n + "."))
              .findFirst()
              .orElseThrow(() -> new AssertionError("report line from no fixture: " + line));
      out.add(owner);
    }
    return out;
  }

  private static boolean isInfo(JavaClass c) {
    return c.getSimpleName().equals("module-info") || c.getSimpleName().equals("package-info");
  }
}
