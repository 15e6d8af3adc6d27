package dev.writ.state;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.writ.core.Capability;
import dev.writ.core.Reason;
import dev.writ.core.WritId;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/**
 * The state machine against {@link LedgerModel}: random command sequences (spends and denials of a
 * small pool of ids, retain-until close to log time so notes expire mid-sequence, proposer times
 * that mostly go forward but sometimes lag, refused commands, and snapshot-and-restart points) are
 * applied through the codec to a {@link WritStateMachine}. Every reply must equal the model's, and
 * at a snapshot point a machine started from the snapshot file must hold the same state and, from
 * then on, give the same replies as the machine that wrote it and as the model.
 */
class StateMachineModelPropertyTest {
  private static final List<WritId> POOL = IntStream.range(0, 4).mapToObj(Fixtures::id).toList();
  private static final long START = 1_000;

  /** A step of a generated run. */
  sealed interface Step permits Command, Garbage, Snapshot {}

  /**
   * A command with its time as an offset: {@code at} is the previous step's time plus {@code skew}
   * (never below zero); an authorize keeps its note until {@code at + retainFor}.
   */
  record Command(Kind kind, int idIndex, int hash, long skew, long retainFor, Reason reason)
      implements Step {}

  enum Kind {
    AUTHORIZE,
    DENY_WITH_ID,
    DENY_WITHOUT_ID
  }

  /** Bytes the state machine must refuse with {@code code}, changing nothing. */
  record Garbage(String json, String code) implements Step {
    @Override
    public String toString() {
      return "Garbage[" + code + "]";
    }
  }

  /** Snapshot the newest machine, then start another from the snapshot file. */
  record Snapshot() implements Step {}

  @Property(tries = 200)
  void apply_randomSteps_repliesAndStateMatchModelAcrossSnapshots(@ForAll("runs") List<Step> steps)
      throws Exception {
    Path dir = Files.createTempDirectory("writ-sm-model");
    try (DetachedMachines storage = DetachedMachines.format(dir)) {
      LedgerModel model = new LedgerModel();
      List<WritStateMachine> machines = new ArrayList<>(List.of(storage.start()));
      long index = 0;
      long time = START;
      for (Step step : steps) {
        switch (step) {
          case Command c -> {
            time = Math.max(0, time + c.skew());
            StateCommand command = command(c, time);
            CommandResult expected = model.apply(command);
            index++;
            for (WritStateMachine m : machines) {
              assertThat(DetachedMachines.apply(m, index, CommandCodec.encode(command)))
                  .as("reply to %s at entry %d", command, index)
                  .isEqualTo(expected);
            }
          }
          case Garbage g -> {
            index++;
            for (WritStateMachine m : machines) {
              assertThat(DetachedMachines.apply(m, index, g.json().getBytes(UTF_8)))
                  .isInstanceOfSatisfying(
                      CommandResult.Refused.class, r -> assertThat(r.code()).isEqualTo(g.code()));
            }
          }
          case Snapshot _ -> {
            machines.getLast().takeSnapshot();
            WritStateMachine restored = storage.start();
            assertSameState(restored, model);
            machines.add(restored);
          }
        }
        for (WritStateMachine m : machines) {
          assertSameState(m, model);
        }
      }
    } finally {
      deleteTree(dir);
    }
  }

  private static void assertSameState(WritStateMachine machine, LedgerModel model) {
    assertThat(machine.leaves()).as("audit leaves").containsExactlyElementsOf(model.leaves());
    assertThat(machine.noteCount()).as("spent notes held").isEqualTo(model.noteCount());
    for (WritId id : POOL) {
      assertThat(machine.isSpent(id)).as("spent %s", id).isEqualTo(model.isSpent(id));
    }
  }

  private static StateCommand command(Command c, long at) {
    WritId id = POOL.get(c.idIndex());
    String hash = String.format("%064x", c.hash());
    return switch (c.kind()) {
      case AUTHORIZE ->
          new StateCommand.Authorize(
              id, Capability.DEPLOY, hash, Math.max(0, at + c.retainFor()), at);
      case DENY_WITH_ID ->
          new StateCommand.Deny(
              Optional.of(id), hash, Optional.of(Capability.DEPLOY), c.reason(), at);
      case DENY_WITHOUT_ID ->
          new StateCommand.Deny(Optional.empty(), hash, Optional.empty(), c.reason(), at);
    };
  }

  @Provide
  Arbitrary<List<Step>> runs() {
    Arbitrary<Command> commands =
        Combinators.combine(
                Arbitraries.frequency(
                    Tuple.of(6, Kind.AUTHORIZE),
                    Tuple.of(1, Kind.DENY_WITH_ID),
                    Tuple.of(1, Kind.DENY_WITHOUT_ID)),
                Arbitraries.integers().between(0, POOL.size() - 1),
                Arbitraries.integers().between(0, 3),
                Arbitraries.longs().between(-3, 6),
                Arbitraries.longs().between(-2, 12),
                Arbitraries.of(Reason.class))
            .as(Command::new);
    Arbitrary<Garbage> garbage =
        Arbitraries.of(
            new Garbage(
                "{\"at\":1,\"cap\":\"deploy\",\"envelope_sha256\":\""
                    + "00".repeat(32)
                    + "\",\"id\":\""
                    + POOL.getFirst().hex()
                    + "\",\"op\":\"spend\",\"retain_until\":99999,\"v\":1}",
                "unknown_op"),
            new Garbage("{\"v\":1, \"op\":\"authorize\"}", "malformed"),
            new Garbage("{\"op\":\"authorize\",\"v\":2}", "unknown_version"));
    return Arbitraries.<Step>frequencyOf(
            Tuple.of(16, commands),
            Tuple.of(1, garbage),
            Tuple.of(2, Arbitraries.just(new Snapshot())))
        .list()
        .ofMaxSize(40);
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
