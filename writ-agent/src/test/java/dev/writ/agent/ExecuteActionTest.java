package dev.writ.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.writ.core.Capability;
import dev.writ.core.ContentId;
import dev.writ.core.Decision;
import dev.writ.core.FleetState;
import dev.writ.core.InMemorySpendLedger;
import dev.writ.core.Posture;
import dev.writ.core.Reason;
import dev.writ.core.TestFleet;
import dev.writ.core.Tier;
import dev.writ.core.VerificationContext;
import dev.writ.core.VerifiedWrit;
import dev.writ.core.WorkResult;
import dev.writ.core.WritPayload;
import dev.writ.sandbox.ExecutionLimits;
import dev.writ.sandbox.SampleContent;
import dev.writ.sandbox.Sandboxes;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Verified execute writs run in the real wasm tier (Chicory) through the agent's action. */
class ExecuteActionTest {
  @TempDir Path dir;

  private final TestFleet fleet = TestFleet.standard();
  private final byte[] hello = SampleContent.helloWasm();

  private VerifiedWrit verified(Tier tier) throws Exception {
    WritPayload p = fleet.writ(Capability.EXECUTE).content(ContentId.of(hello)).tier(tier).build();
    VerificationContext ctx =
        VerificationContext.node(
            TestFleet.NOW,
            FleetState.normal(),
            new VerificationContext.NodeFacts(
                TestFleet.nodeId("web-1"),
                Posture.ATTESTED,
                Optional.of(TestFleet.targets()),
                Optional.of(ContentId.of(hello))));
    Decision d =
        fleet
            .verifier(InMemorySpendLedger.withSpent(Set.of()))
            .verify(TestFleet.sign(p, TestFleet.ALICE), ctx);
    return ((Decision.Allow) d).writ();
  }

  private ExecuteAction action() {
    return new ExecuteAction(Sandboxes.forHost(), dir.resolve("runs"), ExecutionLimits.defaults());
  }

  @Test
  void run_helloInWasm_exitsZeroWithTheOutputHashAndCleansUp() throws Exception {
    WorkResult.Execution e = action().run(verified(Tier.WASM), hello, Tier.GVISOR);

    assertThat(e.exit()).isZero();
    assertThat(e.outcome()).isEqualTo("EXITED");
    assertThat(e.stdoutSha256())
        .isEqualTo(
            HexFormat.of()
                .formatHex(
                    MessageDigest.getInstance("SHA-256")
                        .digest(SampleContent.HELLO_OUTPUT.getBytes(StandardCharsets.UTF_8))));
    assertThat(e.stdoutBytes()).isEqualTo(SampleContent.HELLO_OUTPUT.length());
    assertThat(e.fuel()).isPresent();
    try (Stream<Path> left = Files.list(dir.resolve("runs"))) {
      assertThat(left).isEmpty();
    }
  }

  @Test
  void run_tierNotImplementedHere_refusedTierUnavailableNeverDowngraded() throws Exception {
    VerifiedWrit microvm = verified(Tier.MICROVM);

    assertThat(action().available(Tier.MICROVM)).isFalse();
    try {
      action().run(microvm, hello, Tier.GVISOR);
      throw new AssertionError("ran");
    } catch (WorkRefusedException ex) {
      assertThat(ex.reason()).isEqualTo(Reason.TIER_UNAVAILABLE);
      assertThat(ex.getMessage()).contains("microvm").contains("nothing was run");
    }
  }

  @Test
  void run_tierBelowAHigherFloor_refusedTierUnavailable() throws Exception {
    try {
      action().run(verified(Tier.WASM), hello, Tier.MICROVM);
      throw new AssertionError("ran");
    } catch (WorkRefusedException ex) {
      assertThat(ex.reason()).isEqualTo(Reason.TIER_UNAVAILABLE);
      assertThat(ex.getMessage()).contains("below the policy floor");
    }
  }
}
