package dev.writ.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code writ rollout status} against a TLS stand-in for {@code GET /v1/rollouts/<R>}
 * (docs/spec/work.md section 8): the summary and per-target lines, the redrawn progress bar on a
 * terminal, JSON lines, watching until no item is pending or the timeout, answers that do not hold
 * and the exit codes.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RolloutCommandsTest {
  private static final String ID1 = "0123456789abcdef0123456789abcdef";
  private static final String ID2 = "fedcba9876543210fedcba9876543210";
  private static final String CONTENT =
      "sha256:2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824";

  @TempDir java.nio.file.Path dir;

  private CliHarness cli;
  private FakeEnrollServer server;

  @BeforeEach
  void start() throws Exception {
    cli = new CliHarness(dir, Instant.now().truncatedTo(ChronoUnit.SECONDS));
    server = cli.server();
  }

  @AfterEach
  void stop() {
    cli.close();
  }

  private static String item(String node, String state, Long index) {
    return "{"
        + (index == null ? "" : "\"index\":" + index + ",")
        + "\"node\":\"spiffe://fleet.test/node/"
        + node
        + "\",\"state\":\""
        + state
        + "\"}";
  }

  private static String work(String id, String cap, String rollout, String... items) {
    return "{\"authorized\":1900000000,\"cap\":\""
        + cap
        + "\",\"content\":\""
        + CONTENT
        + "\",\"id\":\""
        + id
        + "\",\"items\":["
        + String.join(",", items)
        + "],\"rollout\":\""
        + rollout
        + "\""
        + (cap.equals("execute") ? ",\"tier\":\"wasm\"" : "")
        + "}";
  }

  private static String rollout(String name, String... works) {
    return "{\"rollout\":\"" + name + "\",\"work\":[" + String.join(",", works) + "]}";
  }

  /** 3 done, 1 refused, 1 pending over two works. */
  private static final String MIXED =
      rollout(
          "r1",
          work(ID1, "deploy", "r1", item("web-1", "done", 7L), item("web-2", "done", 8L)),
          work(
              ID2,
              "execute",
              "r1",
              item("web-1", "done", 11L),
              item("web-2", "refused", 12L),
              item("web-3", "pending", null)));

  private static final String ALL_DONE =
      rollout(
          "r1", work(ID1, "deploy", "r1", item("web-1", "done", 7L), item("web-2", "done", 8L)));

  private int status(String... extra) throws Exception {
    List<String> args =
        new ArrayList<>(
            List.of(
                "rollout",
                "status",
                "r1",
                "--server",
                server.url(),
                "--bundle",
                cli.bundle(server)));
    args.addAll(List.of(extra));
    return cli.writ(args.toArray(String[]::new));
  }

  /** Answers the rollout route with {@code answers} in turn, the last one from then on. */
  private AtomicInteger serve(String... answers) {
    ConcurrentLinkedQueue<String> queue = new ConcurrentLinkedQueue<>(List.of(answers));
    AtomicInteger polls = new AtomicInteger();
    String last = answers[answers.length - 1];
    server.handle(
        "/v1/rollouts/",
        exchange -> {
          polls.incrementAndGet();
          String next = queue.poll();
          reply(exchange, 200, next == null ? last : next);
        });
    return polls;
  }

  private static void reply(HttpExchange exchange, int status, String json) throws IOException {
    byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream o = exchange.getResponseBody()) {
      o.write(bytes);
    }
  }

  @Test
  void status_allDone_printsSummaryAndPerTargetLinesAndExitsZero() throws Exception {
    server.answer("/v1/rollouts/r1", 200, ALL_DONE);

    assertThat(status()).as(cli.err()).isZero();

    List<String> lines = cli.out().lines().toList();
    assertThat(lines.getFirst()).isEqualTo("[##########] 2/2 done 0 refused 0 pending");
    assertThat(lines.subList(1, lines.size()))
        .containsExactly(
            "  done     spiffe://fleet.test/node/web-1  deploy " + ID1 + "  leaf 7",
            "  done     spiffe://fleet.test/node/web-2  deploy " + ID1 + "  leaf 8");
    assertThat(server.seen())
        .extracting(FakeEnrollServer.Seen::path)
        .containsExactly("/v1/rollouts/r1");
  }

  @Test
  void status_refusedAndPending_pendingExitsThree_thenRefusedExitsOne() throws Exception {
    server.answer("/v1/rollouts/r1", 200, MIXED);
    assertThat(status()).isEqualTo(3);
    assertThat(cli.out()).startsWith("[######xx--] 3/5 done 1 refused 1 pending");
    assertThat(cli.out())
        .contains(
            "  refused  spiffe://fleet.test/node/web-2  execute " + ID2 + " (wasm)  leaf 12",
            "  pending  spiffe://fleet.test/node/web-3  execute " + ID2 + " (wasm)");
    assertThat(cli.err()).contains("1 item(s) of rollout r1 still pending");

    server.answer(
        "/v1/rollouts/r1",
        200,
        rollout(
            "r1",
            work(ID1, "deploy", "r1", item("web-1", "done", 7L), item("web-2", "refused", 8L))));
    assertThat(status()).isEqualTo(1);
    assertThat(cli.out()).startsWith("[#####xxxxx] 1/2 done 1 refused 0 pending");
  }

  @Test
  void watch_pendingThenDone_pollsUntilNothingIsPendingAndExitsZero() throws Exception {
    String pending =
        rollout(
            "r1",
            work(ID1, "deploy", "r1", item("web-1", "done", 7L), item("web-2", "pending", null)));
    AtomicInteger polls = serve(pending, ALL_DONE);

    assertThat(status("--watch")).as(cli.err()).isZero();

    assertThat(polls).hasValue(2);
    assertThat(cli.out().lines().toList())
        .startsWith(
            "[#####-----] 1/2 done 0 refused 1 pending",
            "[##########] 2/2 done 0 refused 0 pending");
  }

  @Test
  void watch_alwaysPending_stopsAtTheTimeoutAndExitsThree() throws Exception {
    String pending = rollout("r1", work(ID1, "deploy", "r1", item("web-1", "pending", null)));
    AtomicInteger polls = serve(pending);

    assertThat(status("--watch", "--timeout", "2s")).isEqualTo(3);

    assertThat(polls.get()).isBetween(1, 3);
    assertThat(cli.err()).contains("still pending after 2s");
    // the unchanged summary is printed once, not once per poll
    assertThat(cli.out().lines().filter(l -> l.startsWith("[")).count()).isEqualTo(1);
  }

  @Test
  void json_printsOneLinePerPollWithCounts() throws Exception {
    String pending =
        rollout(
            "r1",
            work(ID1, "deploy", "r1", item("web-1", "done", 7L), item("web-2", "pending", null)));
    serve(pending, ALL_DONE);

    assertThat(status("--watch", "--json")).isZero();

    List<String> lines = cli.out().lines().toList();
    assertThat(lines).hasSize(2);
    assertThat(lines.get(0))
        .startsWith(
            "{\"done\":1,\"pending\":1,\"refused\":0,\"rollout\":\"r1\",\"total\":2,\"work\":[");
    assertThat(lines.get(1))
        .startsWith("{\"done\":2,\"pending\":0,\"refused\":0,\"rollout\":\"r1\"");
  }

  @Test
  void terminal_redrawsTheBarAndTargetLinesInPlace() throws Exception {
    String pending =
        rollout(
            "r1",
            work(ID1, "deploy", "r1", item("web-1", "done", 7L), item("web-2", "pending", null)));
    serve(pending, ALL_DONE);
    cli.terminal();

    assertThat(status("--watch")).isZero();

    String out = cli.out();
    // first draw: bar and two lines; second: up three lines, clear, draw again
    assertThat(out).startsWith("[#####-----] 1/2 done 0 refused 1 pending");
    assertThat(out).contains("\033[3F\033[J[##########] 2/2 done 0 refused 0 pending");
    assertThat(out.split("\033\\[3F", -1)).hasSize(2);
  }

  @Test
  void answersThatDoNotHold_exitTwo() throws Exception {
    List<String> bad =
        List.of(
            rollout("r2", work(ID1, "deploy", "r2", item("web-1", "done", 7L))),
            rollout("r1", work(ID1, "deploy", "r9", item("web-1", "done", 7L))),
            rollout("r1", work(ID1, "deploy", "r1", item("web-1", "maybe", 7L))),
            rollout("r1", work(ID1, "deploy", "r1", item("web-1", "done", null))),
            rollout("r1", work(ID1, "deploy", "r1", item("web-1", "pending", 3L))),
            rollout("r1", work(ID1, "deploy", "r1")),
            rollout("r1", work("xyz", "deploy", "r1", item("web-1", "done", 7L))),
            "{\"rollout\":\"r1\",\"work\":[],\"extra\":1}",
            "{\"rollout\":\"r1\"}");
    for (String answer : bad) {
      server.answer("/v1/rollouts/r1", 200, answer);
      assertThat(status()).as(answer).isEqualTo(2);
      assertThat(cli.err()).as(answer).contains("does not hold");
    }
  }

  @Test
  void unknownRollout_exitsTwoWithWorkUnknown() throws Exception {
    server.answer(
        "/v1/rollouts/r1",
        404,
        "{\"decision\":\"deny\",\"detail\":\"none\",\"reason\":\"WORK_UNKNOWN\"}");
    assertThat(status()).isEqualTo(2);
    assertThat(cli.err()).contains("no work has rollout r1 (WORK_UNKNOWN)");
  }

  @Test
  void badRolloutName_exitsTwoBeforeAnythingIsSent() throws Exception {
    assertThat(
            cli.writ(
                "rollout",
                "status",
                "../x",
                "--server",
                server.url(),
                "--bundle",
                cli.bundle(server)))
        .isEqualTo(2);
    assertThat(server.seen()).isEmpty();
  }

  @Test
  void bar_roundsDownAndFillsTheWidth() {
    assertThat(RolloutCommands.bar(0, 0, 0)).isEqualTo("[----------]");
    assertThat(RolloutCommands.bar(1, 0, 3)).isEqualTo("[###-------]");
    assertThat(RolloutCommands.bar(1, 1, 3)).isEqualTo("[###xxx----]");
    assertThat(RolloutCommands.bar(2, 1, 3)).isEqualTo("[######xxxx]");
    assertThat(RolloutCommands.bar(0, 64, 64)).isEqualTo("[xxxxxxxxxx]");
  }
}
