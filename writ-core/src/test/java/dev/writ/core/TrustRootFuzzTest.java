package dev.writ.core;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Fuzzes root envelopes through {@link TrustRoot#pin} and {@link TrustRoot#rotate} from the
 * standard test root. A rotation candidate comes from outside (the server hands it to agents) and
 * is parsed before its signatures are checked, so only {@link WritDeniedException} may escape.
 *
 * <p>Inputs: {@code src/test/resources/dev/writ/core/TrustRootFuzzTestInputs/pinAndRotate/}.
 * Fuzzing: {@code scripts/fuzz root}.
 */
class TrustRootFuzzTest {
  private static final TrustRoot PINNED = TestFleet.standard().root();

  @FuzzTest
  void pinAndRotate(byte[] input) {
    try {
      TrustRoot pinned = TrustRoot.pin(input);
      assertThat(pinned.envelopeBytes()).isEqualTo(input);
    } catch (WritDeniedException e) {
      assertThat(e.reason()).isNotNull();
    }
    try {
      TrustRoot next = PINNED.rotate(input, TestFleet.NOW);
      assertThat(next.contents().version()).isGreaterThan(PINNED.contents().version());
    } catch (WritDeniedException e) {
      assertThat(e.reason()).isNotNull();
    }
  }
}
