package dev.writ.it.work;

import static org.assertj.core.api.Assertions.assertThat;

import dev.writ.core.Reason;
import dev.writ.core.WorkResult;
import dev.writ.it.server.CliProcess;
import dev.writ.it.server.ServerProcess;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Work the hosts refuse, or the server refuses before anyone signs, with real processes only
 * ({@link WorkFleet}). Every refusal a host makes is a signed result the server records in the
 * audit log, and nothing is acted on.
 */
@ExtendWith(SharedFleet.class)
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class WorkRefusalProcessTest {
  private static WorkFleet fleet;

  @BeforeAll
  static void fleet(WorkFleet f) {
    fleet = f;
  }

  @AfterEach
  void stopAgents() {
    fleet.stopAgent(fleet.web1);
    fleet.stopAgent(fleet.web2);
  }

  private static Pattern actingOn(String id) {
    return Pattern.compile("acting on " + id);
  }

  @Test
  void contentSwappedOnTheServersDiskAfterAuthorization_refusedWithContentMismatch()
      throws Exception {
    fleet.stopAgent(fleet.web2);
    byte[] bytes = new byte[4096];
    new SecureRandom().nextBytes(bytes);
    String content = fleet.put(bytes);
    String id = fleet.authorize("deploy", content, fleet.web2.glob(), Optional.empty());
    // the server's disk is changed under the authorized content id (content.md section 3)
    String hex = content.substring("sha256:".length());
    Path stored =
        fleet.dir.resolve("server/content/sha256").resolve(hex.substring(0, 2)).resolve(hex);
    assertThat(stored).exists();
    Files.setPosixFilePermissions(stored, PosixFilePermissions.fromString("rw-r--r--"));
    Files.writeString(stored, "not what two operators approved");

    AgentProcess a2 = fleet.startAgent(fleet.web2);
    WorkResult r = fleet.awaitResult(id, fleet.web2, a2);

    assertThat(r.decision()).as(r.toString()).isEqualTo("refused");
    assertThat(r.reason()).hasValue(Reason.CONTENT_MISMATCH);
    assertThat(r.exec()).isEmpty();
    assertThat(a2.find(actingOn(id))).isEmpty();
    assertThat(WorkFleet.holdsContent(fleet.web2, content)).isFalse();
    // the server's read hashed the bytes, refused them and moved them aside
    try (Stream<Path> corrupt = Files.list(fleet.dir.resolve("server/content/corrupt"))) {
      assertThat(corrupt.map(p -> p.getFileName().toString())).anyMatch(n -> n.startsWith(hex));
    }
    assertThat(fleet.operator.get("/v1/content/" + content).status()).isEqualTo(404);
    assertThat(fleet.itemStates(id)).containsEntry(fleet.web2.id().toString(), "refused");
  }

  @Test
  void workItemRedeliveredAfterTheAgentWasKilledWhileActing_refusedAsSpent() throws Exception {
    String content = fleet.put(WasmModules.loopForever("replay-" + System.nanoTime()));
    String id = fleet.authorize("execute", content, fleet.web1.glob(), Optional.of("wasm"));
    AgentProcess first = fleet.startAgent(fleet.web1);
    first.awaitLine(actingOn(id), WorkFleet.ANSWER_WAIT);

    first.kill(); // the host dies in the middle of the run
    assertThat(fleet.itemStates(id)).containsEntry(fleet.web1.id().toString(), "pending");
    AgentProcess second = fleet.startAgent(fleet.web1);
    WorkResult r = fleet.awaitResult(id, fleet.web1, second);

    assertThat(r.decision()).as(r.toString()).isEqualTo("refused");
    assertThat(r.reason()).hasValue(Reason.SPENT);
    assertThat(r.exec()).isEmpty();
    assertThat(second.find(actingOn(id))).isEmpty();
    assertThat(fleet.itemStates(id)).containsEntry(fleet.web1.id().toString(), "refused");
  }

  @Test
  void tierBelowTheAgentsOwnFloor_refusedWithTierBelowFloor_thoughTheServersRootAllowsIt()
      throws Exception {
    String script = "#!/bin/sh\necho should not run " + System.nanoTime() + "\n";
    String content = fleet.put(script.getBytes(StandardCharsets.UTF_8));
    // the server's root has sandbox_floor process: it authorizes
    String id = fleet.authorize("execute", content, fleet.web1.glob(), Optional.of("process"));

    // web-1 pins a root of the same keys whose floor is wasm
    AgentProcess a1 = fleet.startAgent(fleet.web1, fleet.base, fleet.strictRootFile);
    WorkResult r = fleet.awaitResult(id, fleet.web1, a1);

    assertThat(r.decision()).as(r.toString()).isEqualTo("refused");
    assertThat(r.reason()).hasValue(Reason.TIER_BELOW_FLOOR);
    assertThat(r.exec()).isEmpty();
    assertThat(a1.find(actingOn(id))).isEmpty();
  }

  @Test
  void tierBelowTheServersFloor_openRefusedAndASignedWritDenied_withTierBelowFloor()
      throws Exception {
    // a server whose root (the same keys) has sandbox_floor wasm
    Path data = Files.createTempDirectory(fleet.dir, "strict-server-");
    ServerProcess strict =
        fleet.children.start(
            "strict-server",
            List.of(
                "--data",
                data.toString(),
                "--root",
                fleet.strictRootFile.toString(),
                "--listen",
                "127.0.0.1:0"));
    try {
      String url = "https://" + strict.printed("listening https://");
      String bundle = strict.printed("bundle ");
      String content = fleet.put("#!/bin/sh\necho hi\n".getBytes(StandardCharsets.UTF_8));

      CliProcess.Result open =
          fleet.writ.run(
              "execute",
              "--content",
              content,
              "--targets",
              "spiffe://fleet.test/node/*",
              "--tier",
              "process",
              "--server",
              url,
              "--bundle",
              bundle,
              "-o",
              fleet.dir.resolve("strict-open.payload").toString());

      assertThat(open.code()).as(open.output()).isEqualTo(1);
      assertThat(open.err()).contains("TIER_BELOW_FLOOR");
      assertThat(fleet.dir.resolve("strict-open.payload")).doesNotExist();

      // the same, signed by both operators without an open request: denied, and audited
      Path yaml =
          Files.writeString(
              fleet.dir.resolve("strict.yaml"),
              """
              cap: execute
              content: "%s"
              targets:
                glob: "spiffe://fleet.test/node/*"
                ids: ["spiffe://fleet.test/node/web-1"]
              tier: process
              ttl: 10m
              """
                  .formatted(content));
      Path payload = fleet.dir.resolve("strict.payload");
      WorkFleet.ok(fleet.writ.run("request", yaml.toString(), "-o", payload.toString()));
      Path w = fleet.dir.resolve("strict.writ");
      WorkFleet.ok(
          fleet.writ.run(
              "sign", payload.toString(), "--key", fleet.key("alice"), "--out", w.toString()));
      WorkFleet.ok(fleet.writ.run("approve", w.toString(), "--key", fleet.key("bob")));
      CliProcess.Result submit =
          fleet.writ.run(
              "submit",
              w.toString(),
              "--server",
              url,
              "--bundle",
              bundle,
              "--log-key",
              strict.printed("log key "));

      assertThat(submit.code()).as(submit.output()).isEqualTo(1);
      assertThat(submit.out())
          .contains("\"decision\":\"deny\"")
          .contains("\"reason\":\"TIER_BELOW_FLOOR\"")
          .contains("\"receipt_verified\":true");
    } finally {
      strict.close();
    }
  }
}
