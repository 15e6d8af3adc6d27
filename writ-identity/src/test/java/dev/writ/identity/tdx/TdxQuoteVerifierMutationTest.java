package dev.writ.identity.tdx;

import static org.assertj.core.api.Assertions.assertThat;

import dev.writ.identity.AttestationException;
import java.time.Instant;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Bounded random mutation of the samples (fixed seeds): whatever the bytes, only {@link
 * AttestationException} escapes, and a mutated quote that still verifies says what the original
 * says (only unsigned padding can change without failing).
 */
class TdxQuoteVerifierMutationTest {
  private static final int MUTATIONS = 2_000;

  /** A wall-clock cap so the loop stays bounded on a loaded machine; not an assertion. */
  private static final long BUDGET_NANOS = 120L * 1_000_000_000L;

  @Test
  void verify_randomMutationsOfV4_throwOnlyAttestationException() {
    run(TdxVectors.quoteV4(), TdxVectors.V4_REPORT_DATA, TdxVectors.V4_NOW, 0x7d1_0004L);
  }

  @Test
  void verify_randomMutationsOfV5_throwOnlyAttestationException() {
    run(TdxVectors.quoteV5(), TdxVectors.V5_REPORT_DATA, TdxVectors.V5_NOW, 0x7d1_0005L);
  }

  private static void run(byte[] original, int reportDataOffset, Instant now, long seed) {
    byte[] reportData = TdxVectors.slice(original, reportDataOffset, 64);
    TdxPolicy policy = TdxVectors.intelPolicy();
    String mrTd;
    try {
      mrTd = TdxQuoteVerifier.verify(original, reportData, policy, now).mrTd();
    } catch (AttestationException e) {
      throw new AssertionError("the unmutated sample must verify", e);
    }
    SplittableRandom random = new SplittableRandom(seed);
    long deadline = System.nanoTime() + BUDGET_NANOS;
    int rejected = 0;
    int done = 0;
    for (; done < MUTATIONS && System.nanoTime() < deadline; done++) {
      byte[] mutated = mutate(original, random);
      try {
        VerifiedTdxQuote v = TdxQuoteVerifier.verify(mutated, reportData, policy, now);
        assertThat(v.mrTd()).as("mutation %d", done).isEqualTo(mrTd);
      } catch (AttestationException e) {
        rejected++;
      } catch (RuntimeException | Error e) {
        throw new AssertionError("mutation " + done + " (seed " + seed + ") escaped: " + e, e);
      }
    }
    assertThat(done).isPositive();
    assertThat(rejected).as("most mutations are rejected").isGreaterThan(done / 2);
  }

  private static byte[] mutate(byte[] original, SplittableRandom random) {
    return switch (random.nextInt(4)) {
      case 0 -> Arrays.copyOf(original, random.nextInt(original.length));
      case 1 -> {
        byte[] b = Arrays.copyOf(original, original.length + 1 + random.nextInt(64));
        for (int i = original.length; i < b.length; i++) {
          b[i] = (byte) random.nextInt(256);
        }
        int at = random.nextInt(original.length);
        b[at] = (byte) random.nextInt(256);
        yield b;
      }
      default -> {
        byte[] b = original.clone();
        int edits = 1 + random.nextInt(8);
        for (int i = 0; i < edits; i++) {
          // half the edits hit the header, body and signature data before the PEM chain
          int bound = random.nextBoolean() ? Math.min(1300, b.length) : b.length;
          b[random.nextInt(bound)] = (byte) random.nextInt(256);
        }
        yield b;
      }
    };
  }
}
