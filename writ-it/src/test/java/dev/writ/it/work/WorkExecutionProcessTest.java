package dev.writ.it.work;

import static org.assertj.core.api.Assertions.assertThat;

import dev.writ.core.Capability;
import dev.writ.core.ContentId;
import dev.writ.core.WorkResult;
import dev.writ.it.server.CliProcess;
import dev.writ.sandbox.SampleContent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
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
 * Work that runs, end to end with real processes only ({@link WorkFleet}): operators' {@code writ}
 * commands, {@code writ server}, and {@code writ agent run} on two hosts enrolled with their own
 * swtpm. Each case asserts the result the host signed as the server recorded it in the audit log.
 */
@ExtendWith(SharedFleet.class)
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class WorkExecutionProcessTest {
  /** The execution uids of the process tier (sandbox.md section 6, the default range). */
  private static final long UID_LOW = 1_900_000_000L;

  private static final long UID_HIGH = 1_900_000_255L;

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

  private static String sha256Hex(String text) {
    return ContentId.of(text.getBytes(StandardCharsets.UTF_8)).hex();
  }

  /** {@code writ rollout status R --watch}: waits until no item of the rollout is pending. */
  private static CliProcess.Result watch(String rollout) throws Exception {
    return fleet.writ.run(
        "rollout",
        "status",
        rollout,
        "--watch",
        "--timeout",
        "80s",
        "--server",
        fleet.base.toString(),
        "--bundle",
        fleet.bundleFile.toString());
  }

  /** The one result {@code node} recorded for writ {@code id}. */
  private static WorkResult recorded(String id, WorkFleet.Node node) throws Exception {
    return fleet.recordedResult(id, node).orElseThrow(() -> new AssertionError("no result"));
  }

  @Test
  void deployThenExecuteHello_onBothHosts_doneResultsThatResultShowVerifies() throws Exception {
    String content = fleet.put(SampleContent.helloWasm());
    String glob = "spiffe://fleet.test/node/*";
    AgentProcess a1 = fleet.startAgent(fleet.web1);
    AgentProcess a2 = fleet.startAgent(fleet.web2);

    String rollout = "hello-" + System.nanoTime();
    WorkFleet.Opened deploy = fleet.open("deploy", content, glob, Optional.empty(), rollout);
    assertThat(deploy.targets())
        .containsExactly(fleet.web1.id().toString(), fleet.web2.id().toString());
    WorkFleet.ok(fleet.submit(fleet.signAndApprove(deploy)));
    CliProcess.Result deployed = watch(rollout);
    WorkFleet.Opened execute = fleet.open("execute", content, glob, Optional.of("wasm"), rollout);
    WorkFleet.ok(fleet.submit(fleet.signAndApprove(execute)));
    CliProcess.Result executed = watch(rollout);

    assertThat(deployed.code()).as(deployed.output() + a1.tail() + a2.tail()).isZero();
    assertThat(executed.code()).as(executed.output() + a1.tail() + a2.tail()).isZero();
    assertThat(executed.out()).contains("4/4 done");
    WorkResult d1 = recorded(deploy.id(), fleet.web1);
    WorkResult d2 = recorded(deploy.id(), fleet.web2);
    WorkResult e1 = recorded(execute.id(), fleet.web1);
    WorkResult e2 = recorded(execute.id(), fleet.web2);
    for (WorkResult d : List.of(d1, d2)) {
      assertThat(d.decision()).as(d.toString()).isEqualTo("done");
      assertThat(d.cap()).hasValue(Capability.DEPLOY);
      assertThat(d.exec()).isEmpty();
    }
    assertThat(d1.node()).isEqualTo(fleet.web1.id());
    assertThat(d2.node()).isEqualTo(fleet.web2.id());
    // installed read-only, under the host's own folder, where the agent says
    Pattern installedAt = Pattern.compile("installed " + content + " at (\\S+)");
    for (AgentProcess a : List.of(a1, a2)) {
      Path installed = Path.of(a.awaitLine(installedAt, WorkFleet.ANSWER_WAIT).group(1));
      WorkFleet.Node n = a == a1 ? fleet.web1 : fleet.web2;
      assertThat(installed.toAbsolutePath()).startsWith(n.data().toAbsolutePath());
      assertThat(Files.readAllBytes(installed)).isEqualTo(SampleContent.helloWasm());
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(installed)))
          .isEqualTo("r--r--r--");
    }
    for (WorkResult e : List.of(e1, e2)) {
      assertThat(e.decision()).as(e.toString()).isEqualTo("done");
      WorkResult.Execution x = e.exec().orElseThrow();
      assertThat(x.outcome()).isEqualTo("EXITED");
      assertThat(x.exit()).isZero();
      assertThat(x.stdoutSha256()).isEqualTo(sha256Hex("hello, writ\n"));
      assertThat(x.stdoutBytes()).isEqualTo("hello, writ\n".length());
      assertThat(x.stderrBytes()).isZero();
      assertThat(x.fuel()).hasValueSatisfying(f -> assertThat(f).isPositive());
    }
    assertThat(fleet.itemStates(execute.id()))
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(fleet.web1.id().toString(), "done", fleet.web2.id().toString(), "done"));

    CliProcess.Result show =
        fleet.writ.run(
            "result",
            "show",
            execute.id(),
            "--server",
            fleet.base.toString(),
            "--bundle",
            fleet.bundleFile.toString(),
            "--log-key",
            fleet.logKey);
    assertThat(show.code()).as(show.output()).isZero();
    assertThat(show.out())
        .contains(fleet.web1.id().toString())
        .contains(fleet.web2.id().toString())
        .contains(sha256Hex("hello, writ\n"));
  }

  @Test
  void executeLoopForeverAndGrowForever_stoppedByLimits_reportedInTheResult() throws Exception {
    String loop = fleet.put(WasmModules.loopForever("limits-" + System.nanoTime()));
    String grow = fleet.put(WasmModules.growForever("limits-" + System.nanoTime()));
    String loopId = fleet.authorize("execute", loop, fleet.web1.glob(), Optional.of("wasm"));
    String growId = fleet.authorize("execute", grow, fleet.web1.glob(), Optional.of("wasm"));
    AgentProcess a1 = fleet.startAgent(fleet.web1);

    WorkResult l = fleet.awaitResult(loopId, fleet.web1, a1);
    WorkResult g = fleet.awaitResult(growId, fleet.web1, a1);

    assertThat(l.decision()).as(l.toString()).isEqualTo("done");
    WorkResult.Execution lx = l.exec().orElseThrow();
    assertThat(lx.outcome()).isIn("FUEL_EXHAUSTED", "WALL_CLOCK_EXCEEDED");
    assertThat(lx.exit()).isNegative();
    assertThat(lx.stdoutBytes()).isZero();
    assertThat(g.decision()).as(g.toString()).isEqualTo("done");
    WorkResult.Execution gx = g.exec().orElseThrow();
    assertThat(gx.outcome()).isEqualTo("MEMORY_EXCEEDED");
    assertThat(gx.exit()).isNegative();
    // the agent lived through both and still answers
    assertThat(a1.isAlive()).as(a1.tail()).isTrue();
  }

  @Test
  void processTier_readOutsideItsFolderFails_andADoubleForkedChildIsKilled() throws Exception {
    // a root-owned 0600 file in a folder anyone may enter: only the file's mode keeps it out
    Path shared = Files.createTempDirectory(Path.of("/tmp"), "writ-e2e-");
    Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwxrwx"));
    Path secret = Files.writeString(shared.resolve("secret"), "root only\n");
    Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
    Path pidFile = shared.resolve("child.pid");
    String reader =
        """
        #!/bin/sh
        if cat %s; then echo READ; exit 0; fi
        echo DENIED
        exit 3
        """
            .formatted(secret);
    String forker =
        """
        #!/bin/sh
        sh -c 'sleep 300 </dev/null >/dev/null 2>&1 & echo $! > %s' </dev/null >/dev/null 2>&1 &
        n=0
        while [ ! -s %s ] && [ $n -lt 50 ]; do sleep 0.1; n=$((n+1)); done
        echo started
        """
            .formatted(pidFile, pidFile);
    String readId =
        fleet.authorize(
            "execute",
            fleet.put(reader.getBytes(StandardCharsets.UTF_8)),
            fleet.web2.glob(),
            Optional.of("process"));
    String forkId =
        fleet.authorize(
            "execute",
            fleet.put(forker.getBytes(StandardCharsets.UTF_8)),
            fleet.web2.glob(),
            Optional.of("process"));
    AgentProcess a2 = fleet.startAgent(fleet.web2);

    WorkResult read = fleet.awaitResult(readId, fleet.web2, a2);
    WorkResult fork = fleet.awaitResult(forkId, fleet.web2, a2);

    assertThat(read.decision()).as(read.toString()).isEqualTo("done");
    WorkResult.Execution rx = read.exec().orElseThrow();
    assertThat(rx.outcome()).isEqualTo("EXITED");
    assertThat(rx.exit()).isEqualTo(3);
    assertThat(rx.stdoutSha256()).isEqualTo(sha256Hex("DENIED\n"));
    assertThat(rx.stderrBytes()).isPositive(); // cat's "Permission denied"

    assertThat(fork.decision()).as(fork.toString()).isEqualTo("done");
    WorkResult.Execution fx = fork.exec().orElseThrow();
    assertThat(fx.outcome()).isEqualTo("EXITED");
    assertThat(fx.exit()).isZero();
    assertThat(fx.stdoutSha256()).isEqualTo(sha256Hex("started\n"));
    long child = Long.parseLong(Files.readString(pidFile).strip());
    // killed, and not yet reaped at most (a zombie is gone, as sandbox.md section 6 counts it)
    assertThat(runningState(child))
        .as("the double-forked child %d outlived the execution", child)
        .isEmpty();
    assertThat(processesOfExecutionUids()).isEmpty();
  }

  /** The state letter of process {@code pid} if it exists and is not a zombie. */
  private static Optional<String> runningState(long pid) throws Exception {
    Path status = Path.of("/proc", Long.toString(pid), "status");
    String text;
    try {
      text = Files.readString(status);
    } catch (java.nio.file.NoSuchFileException e) {
      return Optional.empty();
    }
    var m = Pattern.compile("^State:\\s+(\\S)", Pattern.MULTILINE).matcher(text);
    return m.find() && !m.group(1).equals("Z") ? Optional.of(m.group(1)) : Optional.empty();
  }

  /** Pids of live (non-zombie) processes whose real uid is in the process tier's range. */
  private static List<String> processesOfExecutionUids() throws Exception {
    Pattern uidLine = Pattern.compile("^Uid:\\s+(\\d+)", Pattern.MULTILINE);
    Pattern stateLine = Pattern.compile("^State:\\s+Z", Pattern.MULTILINE);
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      return procs
          .filter(p -> p.getFileName().toString().matches("[0-9]+"))
          .filter(
              p -> {
                try {
                  String status = Files.readString(p.resolve("status"));
                  var m = uidLine.matcher(status);
                  if (!m.find() || stateLine.matcher(status).find()) {
                    return false;
                  }
                  long uid = Long.parseLong(m.group(1));
                  return uid >= UID_LOW && uid <= UID_HIGH;
                } catch (java.io.IOException e) {
                  return false; // gone while listed
                }
              })
          .map(p -> p.getFileName().toString())
          .toList();
    }
  }
}
