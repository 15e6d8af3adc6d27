package dev.writ.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.writ.core.Tier;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SandboxesTest {

  private final Sandboxes host = Sandboxes.forHost();

  @Test
  void require_wasmAboveTheDefaultFloor_returnsTheWasmTier() throws Exception {
    SandboxTier t = host.require(Tier.WASM, Tier.GVISOR);

    assertThat(t.tier()).isEqualTo(Tier.WASM);
  }

  @Test
  void require_processAtAProcessFloor_returnsTheProcessTier() throws Exception {
    SandboxTier t = host.require(Tier.PROCESS, Tier.PROCESS);

    assertThat(t.tier()).isEqualTo(Tier.PROCESS);
  }

  @Test
  void require_belowTheFloor_isRefusedNotUpgradedOrDowngraded() {
    TierUnavailableException e =
        catchThrowableOfType(
            TierUnavailableException.class, () -> host.require(Tier.PROCESS, Tier.GVISOR));

    assertThat(e.tier()).isEqualTo(Tier.PROCESS);
    assertThat(e.reason()).isEqualTo("below the policy floor gvisor; never run in a weaker tier");
    assertThat(e).hasMessage("process: below the policy floor gvisor; never run in a weaker tier");
  }

  @Test
  void require_tiersOfTheNextIssue_areRefusedWithTheirReason() {
    for (Tier t : List.of(Tier.SECCOMP, Tier.GVISOR, Tier.MICROVM)) {
      TierUnavailableException e =
          catchThrowableOfType(TierUnavailableException.class, () -> host.require(t, Tier.PROCESS));

      assertThat(e.tier()).isEqualTo(t);
      assertThat(e.reason()).isEqualTo("not implemented until issue 7");
    }
  }

  @Test
  void require_processOnAHostWithoutRoot_isRefusedWithTheProbeReason(@TempDir Path tmp)
      throws Exception {
    java.nio.file.Files.createDirectories(tmp.resolve("self"));
    java.nio.file.Files.writeString(tmp.resolve("self/status"), "Uid:\t1000\t1000\t1000\t1000\n");
    Sandboxes notRoot =
        Sandboxes.forHost(UidRange.DEFAULT, new HostProbe(tmp, List.of(Path.of("/usr/bin"))));

    TierUnavailableException e =
        catchThrowableOfType(
            TierUnavailableException.class, () -> notRoot.require(Tier.PROCESS, Tier.PROCESS));

    assertThat(e.reason())
        .isEqualTo(
            "process tier needs root to run content as a per-execution uid (effective uid is 1000)");
    assertThat(notRoot.require(Tier.WASM, Tier.PROCESS).tier()).isEqualTo(Tier.WASM);
  }

  @Test
  void report_listsEveryTierWeakestFirst() {
    assertThat(host.report().keySet()).containsExactly(Tier.values());
    assertThat(host.report().get(Tier.WASM)).isEqualTo(Availability.available());
    assertThat(host.report().get(Tier.PROCESS)).isEqualTo(Availability.available());
    assertThat(host.report().get(Tier.MICROVM))
        .isEqualTo(new Availability.Unavailable(Sandboxes.NOT_YET));
  }
}
