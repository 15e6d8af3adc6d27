package dev.writ.core;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Fuzzes {@link Envelope#parse}. Only {@link WritDeniedException} may escape. Oracle: the profile
 * accepts only canonical envelopes, so whatever parses re-serializes to exactly the input bytes.
 *
 * <p>Inputs: {@code src/test/resources/dev/writ/core/EnvelopeFuzzTestInputs/parse/}. Fuzzing:
 * {@code scripts/fuzz envelope}.
 */
class EnvelopeFuzzTest {

  @FuzzTest
  void parse(byte[] input) {
    Envelope envelope;
    try {
      envelope = Envelope.parse(input);
    } catch (WritDeniedException e) {
      assertThat(e.reason()).isNotNull();
      return;
    }
    assertThat(envelope.toCanonicalBytes()).isEqualTo(input);
    assertThat(envelope.signatures()).isNotEmpty().hasSizeLessThanOrEqualTo(Limits.MAX_SIGNATURES);
    assertThat(envelope.pae()).isEqualTo(Envelope.pae(envelope.payloadType(), envelope.payload()));
  }
}
