package dev.writ.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;

/** The closed loop against scripted answers, no network. */
class LoadGeneratorTest {
  private static BenchFleet.Signed writs(int n) {
    List<byte[]> envelopes = new ArrayList<>();
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      envelopes.add(("env" + i).getBytes(StandardCharsets.US_ASCII));
      ids.add(String.format("%032x", i));
    }
    return new BenchFleet.Signed(envelopes, ids);
  }

  private static Submitter.Answer allow(String id) {
    return new Submitter.Answer(
        200,
        ("{\"decision\":\"allow\",\"id\":\"" + id + "\",\"receipt\":{}}")
            .getBytes(StandardCharsets.UTF_8));
  }

  /** A factory whose submitters answer with {@code script(writ index, url)}. */
  private static ClientKind.Factory scripted(
      BiFunction<Integer, Integer, Submitter.Answer> script, Set<Integer> seen) {
    return new ClientKind.Factory() {
      @Override
      public Submitter open() {
        return new Submitter() {
          @Override
          public Answer post(int url, byte[] envelope) throws IOException {
            int i = Integer.parseInt(new String(envelope, StandardCharsets.US_ASCII).substring(3));
            seen.add(i);
            Answer a = script.apply(i, url);
            if (a == null) {
              throw new IOException("scripted failure");
            }
            return a;
          }

          @Override
          public void close() {}
        };
      }

      @Override
      public void close() {}
    };
  }

  private static LoadGenerator generator(
      BenchFleet.Signed w, int warmup, int clients, int urls, ClientKind.Factory f) {
    return new LoadGenerator(
        w, warmup, clients, urls, f, System.nanoTime() + 60_000_000_000L, CpuProbe.SELF_ONLY);
  }

  @Test
  void run_allAllowed_countsOnlyMeasuredWritsAndSendsEachOnce() throws Exception {
    BenchFleet.Signed w = writs(500);
    Set<Integer> seen = Collections.synchronizedSet(new HashSet<>());
    LoadResult.Measured m =
        generator(w, 100, 8, 1, scripted((i, u) -> allow(w.ids().get(i)), seen)).run();

    assertThat(m.latencyUs().getTotalCount()).isEqualTo(400);
    assertThat(m.errors()).isEmpty();
    assertThat(m.cutShort()).isFalse();
    assertThat(m.windowNanos()).isPositive();
    assertThat(seen).hasSize(500);
  }

  @Test
  void run_denialsAndFailuresAndWrongIds_areCountedByKindNotAsAcks() throws Exception {
    BenchFleet.Signed w = writs(40);
    LoadResult.Measured m =
        generator(
                w,
                0,
                2,
                1,
                scripted(
                    (i, u) ->
                        switch (i % 4) {
                          case 0 -> allow(w.ids().get(i));
                          case 1 ->
                              new Submitter.Answer(
                                  403,
                                  "{\"decision\":\"deny\",\"reason\":\"SPENT\"}"
                                      .getBytes(StandardCharsets.UTF_8));
                          case 2 -> null;
                          default -> allow(w.ids().get((i + 1) % 40));
                        },
                    Collections.synchronizedSet(new HashSet<>())))
            .run();

    assertThat(m.latencyUs().getTotalCount()).isEqualTo(10);
    assertThat(m.errors())
        .containsEntry("403 SPENT", 10L)
        .containsEntry("no answer: IOException", 10L)
        .containsEntry("200 (not an allow of the writ sent)", 10L)
        .hasSize(3);
  }

  @Test
  void run_severalUrls_spreadsWritsRoundRobin() throws Exception {
    BenchFleet.Signed w = writs(30);
    // several clients may count the same URL at once: the counts must be atomic
    AtomicIntegerArray perUrl = new AtomicIntegerArray(3);
    generator(
            w,
            0,
            3,
            3,
            scripted(
                (i, u) -> {
                  assertThat(u).isEqualTo(i % 3);
                  perUrl.incrementAndGet(u);
                  return allow(w.ids().get(i));
                },
                Collections.synchronizedSet(new HashSet<>())))
        .run();

    assertThat(List.of(perUrl.get(0), perUrl.get(1), perUrl.get(2))).containsExactly(10, 10, 10);
  }

  @Test
  void run_pastTheDeadline_isCutShortWithoutSending() throws Exception {
    BenchFleet.Signed w = writs(10);
    Set<Integer> seen = Collections.synchronizedSet(new HashSet<>());
    LoadResult.Measured m =
        new LoadGenerator(
                w,
                2,
                2,
                1,
                scripted((i, u) -> allow(w.ids().get(i)), seen),
                System.nanoTime() - 1,
                CpuProbe.SELF_ONLY)
            .run();

    assertThat(m.cutShort()).isTrue();
    assertThat(m.latencyUs().getTotalCount()).isZero();
    assertThat(seen).isEmpty();
  }

  @Test
  void new_warmupTakingEveryWrit_isRefused() {
    BenchFleet.Signed w = writs(5);
    assertThatThrownBy(
            () ->
                generator(
                    w,
                    5,
                    1,
                    1,
                    scripted((i, u) -> null, Collections.synchronizedSet(new HashSet<>()))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("warmup");
  }

  @Test
  void isAllowOf_requiresTheAllowDecisionForExactlyThatId() {
    String id = String.format("%032x", 7);
    assertThat(LoadGenerator.isAllowOf(allow(id).body(), id)).isTrue();
    assertThat(LoadGenerator.isAllowOf(allow(id).body(), String.format("%032x", 8))).isFalse();
    assertThat(
            LoadGenerator.isAllowOf(
                ("{\"decision\":\"deny\",\"id\":\"" + id + "\"}").getBytes(StandardCharsets.UTF_8),
                id))
        .isFalse();
    assertThat(LoadGenerator.isAllowOf(new byte[0], id)).isFalse();
  }
}
