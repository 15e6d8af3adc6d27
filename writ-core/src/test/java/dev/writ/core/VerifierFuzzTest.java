package dev.writ.core;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Fuzzes {@link Verifier#verify} against the fixed pinned root of {@link TestFleet#standard()} (its
 * keys are derived from fixed seeds, so checked-in envelopes stay valid), in node scope and in
 * authority scope, each with a fresh ledger. The verifier turns every denial into a {@link
 * Decision.Deny}: any exception at all is a bug.
 *
 * <p>Seeds, among them envelopes this root allows: {@code
 * src/test/resources/dev/writ/core/VerifierFuzzTestInputs/verify/}; {@link FuzzSeedsTest} checks
 * that they are still allowed. Fuzzing: {@code scripts/fuzz verifier}.
 */
class VerifierFuzzTest {
  static final TestFleet FLEET = TestFleet.standard();

  @FuzzTest
  void verify(byte[] input) throws SpendLedger.SpendLedgerException {
    Decision node =
        FLEET.verifier(new InMemorySpendLedger()).verify(input, TestFleet.nodeContext());
    Decision authority =
        FLEET.verifier(new InMemorySpendLedger()).verify(input, TestFleet.authorityContext());
    // authority scope runs a subset of node scope's checks
    if (node instanceof Decision.Allow) {
      assertThat(authority).isInstanceOf(Decision.Allow.class);
    }
  }
}
