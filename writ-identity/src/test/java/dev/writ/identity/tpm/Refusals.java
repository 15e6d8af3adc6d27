package dev.writ.identity.tpm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.writ.identity.AttestationException;
import dev.writ.identity.AttestationFailure;

/** Asserts that a call is refused with one stable code and a one-line message. */
final class Refusals {
  private Refusals() {}

  interface Call {
    void run() throws AttestationException;
  }

  static void assertFails(AttestationFailure expected, Call call) {
    try {
      call.run();
    } catch (AttestationException e) {
      assertThat(e.failure()).as(e.getMessage()).isEqualTo(expected);
      assertThat(e.getMessage()).isNotBlank().doesNotContain("\n");
      return;
    }
    fail("accepted; expected " + expected);
  }
}
