package dev.writ.identity.snp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.writ.identity.AttestationException;
import dev.writ.identity.AttestationFailure;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A bounded random-mutation loop over the Milan sample (fixed seed): whatever the bytes, the
 * verifier either accepts the unchanged sample or throws {@link AttestationException}; nothing else
 * escapes, and no changed report is accepted.
 */
class SnpReportMutationTest {
  private static final long SEED = 0x5e75_4e50L;
  private static final int MUTATIONS = 2_000;

  @Test
  void verify_randomMutationsOfTheSample_onlyAttestationExceptionEscapes() {
    byte[] sample = SnpVectors.report();
    List<X509Certificate> chain = SnpVectors.milanChain();
    SnpPolicy policy = SnpVectors.samplePolicy();
    byte[] expected = SnpVectors.reportData();
    Random random = new Random(SEED);
    Map<AttestationFailure, Integer> seen = new EnumMap<>(AttestationFailure.class);

    for (int i = 0; i < MUTATIONS; i++) {
      byte[] mutated = mutate(sample, random);
      try {
        SnpReportVerifier.verify(mutated, chain, expected, policy, SnpVectors.NOW);
        assertThat(mutated).as("mutation %d was accepted", i).isEqualTo(sample);
      } catch (AttestationException e) {
        seen.merge(e.failure(), 1, Integer::sum);
      } catch (RuntimeException | Error e) {
        fail("mutation " + i + " let " + e + " escape", e);
      }
    }
    assertThat(seen)
        .containsKeys(
            AttestationFailure.ATTESTATION_MALFORMED,
            AttestationFailure.ATTESTATION_OVERSIZE,
            AttestationFailure.ATTESTATION_BAD_SIGNATURE);
  }

  private static byte[] mutate(byte[] sample, Random random) {
    byte[] out = sample.clone();
    int operations = 1 + random.nextInt(4);
    for (int op = 0; op < operations; op++) {
      switch (random.nextInt(6)) {
        case 0 -> out = Arrays.copyOf(out, random.nextInt(out.length + 1));
        case 1 -> out = Arrays.copyOf(out, out.length + 1 + random.nextInt(64));
        case 2 -> {
          // a reserved-heavy region: the header and reserved words
          if (out.length > 0) {
            out[random.nextInt(Math.min(out.length, 0x50))] = (byte) random.nextInt(256);
          }
        }
        default -> {
          if (out.length > 0) {
            out[random.nextInt(out.length)] ^= (byte) (1 << random.nextInt(8));
          }
        }
      }
    }
    return out;
  }
}
