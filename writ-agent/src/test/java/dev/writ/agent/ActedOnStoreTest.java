package dev.writ.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.writ.core.Capability;
import dev.writ.core.SpendLedger.Outcome;
import dev.writ.core.SpendLedger.SpendRequest;
import dev.writ.core.WritId;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ActedOnStoreTest {
  private static final Instant NOW = Instant.parse("2026-11-23T12:00:00Z");
  private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
  private static final SecureRandom RANDOM = new SecureRandom();

  @TempDir Path dir;

  private static SpendRequest request(WritId id, Instant retainUntil) {
    return new SpendRequest(id, Capability.EXECUTE, new byte[32], retainUntil);
  }

  private static SpendRequest request(WritId id) {
    return request(id, NOW.plusSeconds(3600));
  }

  @Test
  void spend_onceThenAlreadySpent_andSurvivesReopen() throws Exception {
    Path file = dir.resolve("acted-on");
    WritId id = WritId.random(RANDOM);
    try (ActedOnStore store = ActedOnStore.open(file, CLOCK)) {
      assertThat(store.spend(request(id))).isEqualTo(Outcome.SPENT_NOW);
      assertThat(store.spend(request(id))).isEqualTo(Outcome.ALREADY_SPENT);
    }
    try (ActedOnStore again = ActedOnStore.open(file, CLOCK)) {
      assertThat(again.contains(id)).isTrue();
      assertThat(again.spend(request(id))).isEqualTo(Outcome.ALREADY_SPENT);
      assertThat(again.spend(request(WritId.random(RANDOM)))).isEqualTo(Outcome.SPENT_NOW);
    }
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
  }

  @Test
  void open_cutOffLastLine_isDroppedAndTheRestKept() throws Exception {
    Path file = dir.resolve("acted-on");
    WritId kept = WritId.random(RANDOM);
    try (ActedOnStore store = ActedOnStore.open(file, CLOCK)) {
      store.spend(request(kept));
    }
    WritId torn = WritId.random(RANDOM);
    Files.writeString(file, torn.hex() + " exec", StandardOpenOption.APPEND);

    try (ActedOnStore store = ActedOnStore.open(file, CLOCK)) {
      assertThat(store.contains(kept)).isTrue();
      assertThat(store.contains(torn)).isFalse();
      assertThat(store.spend(request(torn))).isEqualTo(Outcome.SPENT_NOW);
    }
    try (ActedOnStore store = ActedOnStore.open(file, CLOCK)) {
      assertThat(store.contains(torn)).isTrue(); // the new line did not join the cut-off one
    }
  }

  @Test
  void open_malformedCompleteLine_refusedToOpen() throws Exception {
    Path file = dir.resolve("acted-on");
    try (ActedOnStore store = ActedOnStore.open(file, CLOCK)) {
      store.spend(request(WritId.random(RANDOM)));
    }
    Files.writeString(file, "garbage line\n", StandardOpenOption.APPEND);

    assertThatThrownBy(() -> ActedOnStore.open(file, CLOCK))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("corrupt at line 2")
        .hasMessageContaining("will not act");
  }

  @Test
  void open_expiredEntriesDropped_liveOnesKept() throws Exception {
    Path file = dir.resolve("acted-on");
    WritId old = WritId.random(RANDOM);
    WritId live = WritId.random(RANDOM);
    try (ActedOnStore store = ActedOnStore.open(file, CLOCK)) {
      store.spend(request(old, NOW.plusSeconds(10)));
      store.spend(request(live, NOW.plusSeconds(3600)));
    }
    Clock later = Clock.fixed(NOW.plusSeconds(60), ZoneOffset.UTC);

    try (ActedOnStore store = ActedOnStore.open(file, later)) {
      assertThat(store.contains(old)).isFalse();
      assertThat(store.contains(live)).isTrue();
      assertThat(store.size()).isEqualTo(1);
    }
    try (ActedOnStore store = ActedOnStore.open(file, later)) {
      assertThat(store.contains(live)).isTrue(); // the rewritten file reads back
    }
  }

  @Test
  void spend_concurrentForOneId_exactlyOneActs() throws Exception {
    WritId id = WritId.random(RANDOM);
    int threads = 8;
    CyclicBarrier start = new CyclicBarrier(threads);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try (ActedOnStore store = ActedOnStore.open(dir.resolve("acted-on"), CLOCK)) {
      List<Future<Outcome>> outcomes = new ArrayList<>();
      for (int i = 0; i < threads; i++) {
        outcomes.add(
            pool.submit(
                () -> {
                  start.await();
                  return store.spend(request(id));
                }));
      }
      int now = 0;
      for (Future<Outcome> f : outcomes) {
        now += f.get() == Outcome.SPENT_NOW ? 1 : 0;
      }
      assertThat(now).isEqualTo(1);
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * A child JVM spends ids and prints each one only after spend() returned; it is killed with
   * SIGKILL mid-run. Every id it printed must be in the store when it is opened again.
   */
  @Test
  void spend_acknowledgedIdsSurviveKill9() throws Exception {
    Path file = dir.resolve("acted-on");
    ProcessBuilder pb =
        new ProcessBuilder(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-cp",
            classPath(),
            SpendForever.class.getName(),
            file.toString());
    Path err = dir.resolve("child.err");
    pb.redirectError(err.toFile());
    Process p = pb.start();
    List<String> acknowledged = new ArrayList<>();
    try (BufferedReader out =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.US_ASCII))) {
      String line;
      while (acknowledged.size() < 200 && (line = out.readLine()) != null) {
        acknowledged.add(line);
      }
      p.destroyForcibly(); // SIGKILL on Linux
      assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }
    assertThat(acknowledged).as(() -> readQuietly(err)).hasSize(200);

    try (ActedOnStore store = ActedOnStore.open(file, Clock.systemUTC())) {
      for (String hex : acknowledged) {
        assertThat(store.contains(new WritId(hex))).as(hex).isTrue();
      }
    }
  }

  /** Surefire runs this module's tests on the module path: give the child both paths. */
  private static String classPath() {
    List<String> parts = new ArrayList<>();
    for (String property : List.of("jdk.module.path", "java.class.path")) {
      String v = System.getProperty(property);
      if (v != null && !v.isBlank()) {
        parts.add(v);
      }
    }
    return String.join(java.io.File.pathSeparator, parts);
  }

  private static String readQuietly(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(no child stderr: " + e + ")";
    }
  }

  /** The child of {@link #spend_acknowledgedIdsSurviveKill9}: spends until killed (or 100,000). */
  public static final class SpendForever {
    private SpendForever() {}

    public static void main(String[] args) throws Exception {
      try (ActedOnStore store = ActedOnStore.open(Path.of(args[0]), Clock.systemUTC())) {
        for (int i = 0; i < 100_000; i++) {
          WritId id = WritId.random(RANDOM);
          store.spend(request(id, Instant.now().plusSeconds(3600)));
          System.out.println(id.hex());
          System.out.flush();
        }
      }
    }
  }
}
