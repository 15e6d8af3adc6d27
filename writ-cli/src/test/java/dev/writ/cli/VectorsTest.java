package dev.writ.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.writ.core.Decision;
import dev.writ.core.Reason;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every vector behaves as declared, through the library and through the CLI. */
class VectorsTest {

  static Stream<Vectors> vectors() throws IOException {
    return Vectors.all();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("vectors")
  void library_vector_decidesAsDeclared(Vectors v) throws Exception {
    List<byte[]> rotations = new ArrayList<>();
    for (String r : v.rotations()) {
      rotations.add(Files.readAllBytes(Vectors.dir().resolve(r)));
    }
    Decision d =
        OfflineVerification.run(
            Files.readAllBytes(Vectors.dir().resolve(v.root())),
            rotations,
            v.envelope(),
            ContextFile.fromJson(v.context()));
    if (v.decision().equals("allow")) {
      assertThat(d).as(d.toString()).isInstanceOf(Decision.Allow.class);
    } else {
      assertThat(d).isInstanceOf(Decision.Deny.class);
      assertThat(((Decision.Deny) d).reason().name()).as(d.toString()).isEqualTo(v.reason());
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("vectors")
  void cli_vector_printsDecisionAndExitsAsDeclared(Vectors v, @TempDir Path tmp) throws Exception {
    Path writ = Files.write(tmp.resolve("writ.json"), v.envelope());
    Path ctx =
        Files.write(
            tmp.resolve("context.json"), dev.writ.core.json.CanonicalJson.write(v.context()));
    List<String> args =
        new ArrayList<>(List.of("verify", "--root", Vectors.dir().resolve(v.root()).toString()));
    for (String r : v.rotations()) {
      args.addAll(List.of("--rotate", Vectors.dir().resolve(r).toString()));
    }
    args.addAll(List.of("--writ", writ.toString(), "--context", ctx.toString()));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = WritCli.run(env(out, err), args.toArray(String[]::new));
    String line = out.toString(StandardCharsets.UTF_8).strip();
    assertThat(line).doesNotContain("\n");
    if (v.decision().equals("allow")) {
      assertThat(code).isZero();
      assertThat(line)
          .startsWith("{\"cap\":")
          .contains("\"decision\":\"allow\"", "\"reason\":null");
    } else {
      assertThat(code).isEqualTo(1);
      assertThat(line).contains("\"decision\":\"deny\"", "\"reason\":\"" + v.reason() + "\"");
    }
    assertThat(err.toString(StandardCharsets.UTF_8)).doesNotContain("Exception");
  }

  @Test
  void vectors_everyReasonCode_hasADenyVector() throws IOException {
    Set<String> covered =
        Vectors.all()
            .filter(v -> v.reason() != null)
            .map(Vectors::reason)
            .collect(Collectors.toCollection(TreeSet::new));
    Set<String> all =
        Arrays.stream(Reason.values())
            .filter(Reason::isVerifierReason)
            .map(Enum::name)
            .collect(Collectors.toCollection(TreeSet::new));
    assertThat(covered).isEqualTo(all);
  }

  @Test
  void vectors_everyCapability_hasAnAllowVector() throws Exception {
    Set<String> caps = new TreeSet<>();
    for (Vectors v : Vectors.all().filter(v -> v.decision().equals("allow")).toList()) {
      String payload =
          new String(dev.writ.core.Envelope.parse(v.envelope()).payload(), StandardCharsets.UTF_8);
      caps.add(payload.replaceAll(".*\"cap\":\"([a-z]+)\".*", "$1"));
    }
    assertThat(caps)
        .containsExactlyInAnyOrder(
            "discover",
            "replicate",
            "deploy",
            "execute",
            "quarantine",
            "enroll",
            "pause",
            "resume");
  }

  @Test
  void generator_sameKeys_reproducesCheckedInVectorsByteForByte() throws Exception {
    Map<String, String> fresh = VectorGenerator.generate(Vectors.dir().resolve("keys"));
    Set<String> onDisk = new TreeSet<>();
    try (Stream<Path> s = Files.list(Vectors.dir())) {
      s.filter(Files::isRegularFile).forEach(p -> onDisk.add(p.getFileName().toString()));
    }
    onDisk.remove("README.md");
    assertThat(onDisk).as("files in docs/spec/vectors").isEqualTo(fresh.keySet());
    for (Map.Entry<String, String> e : fresh.entrySet()) {
      assertThat(Files.readString(Vectors.dir().resolve(e.getKey())))
          .as("%s drifted; run: ./writ spec vectors", e.getKey())
          .isEqualTo(e.getValue());
    }
  }

  static WritCli.Env env(ByteArrayOutputStream out, ByteArrayOutputStream err) {
    return new WritCli.Env(
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8),
        Map.of(),
        Clock.systemUTC(),
        new SecureRandom());
  }
}
