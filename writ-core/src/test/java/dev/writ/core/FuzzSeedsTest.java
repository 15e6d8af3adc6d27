package dev.writ.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import org.junit.jupiter.api.Test;

/**
 * The checked-in envelope seeds of {@link VerifierFuzzTest} are still allowed by its root, so the
 * fuzzer starts from inputs that reach every check. If this fails after a fixture change, rerun
 * {@link FuzzSeeds#main} from the writ-core folder and check in the new files.
 */
class FuzzSeedsTest {

  private static byte[] resource(String name) throws IOException {
    try (InputStream in = FuzzSeedsTest.class.getResourceAsStream(name)) {
      assertThat(in).as("resource " + name).isNotNull();
      return in.readAllBytes();
    }
  }

  @Test
  void verifierSeeds_areAllowedByTheFuzzRoot() throws Exception {
    for (String seed : new String[] {"deploy-ed25519", "execute-ecdsa", "quarantine-hybrid-dual"}) {
      byte[] envelope = resource("VerifierFuzzTestInputs/verify/" + seed);
      Decision d =
          VerifierFuzzTest.FLEET
              .verifier(new InMemorySpendLedger())
              .verify(envelope, TestFleet.nodeContext());
      assertThat(d).as(seed).isInstanceOf(Decision.Allow.class);
    }
  }

  @Test
  void rootSeeds_pinAndRotate() throws Exception {
    TrustRoot v1 = TrustRoot.pin(resource("TrustRootFuzzTestInputs/pinAndRotate/root-v1"));
    byte[] v2 = resource("TrustRootFuzzTestInputs/pinAndRotate/root-v2-rotation");
    assertThat(v1.rotate(v2, TestFleet.NOW).contents().version()).isEqualTo(2);
    byte[] attested = resource("TrustRootFuzzTestInputs/pinAndRotate/root-v2-attestation");
    assertThat(v1.rotate(attested, TestFleet.NOW).contents().policy().attestation())
        .contains(FuzzSeeds.seedAttestation());
  }
}
