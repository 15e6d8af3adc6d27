package dev.writ.core;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The hand-made seed inputs of the fuzz targets, written into the Jazzer inputs folders under
 * {@code src/test/resources}. Run it (from the writ-core folder, with the test classpath) when the
 * fixtures change; {@link FuzzSeedsTest} fails when the checked-in verifier seeds stop being
 * allowed.
 */
public final class FuzzSeeds {
  private FuzzSeeds() {}

  /** The seed envelopes for {@link VerifierFuzzTest}, all allowed by the standard test fleet. */
  static List<byte[]> verifierSeeds(TestFleet fleet) {
    return List.of(
        TestFleet.sign(fleet.writ(Capability.DEPLOY).build(), TestFleet.ALICE),
        TestFleet.sign(fleet.writ(Capability.EXECUTE).build(), TestFleet.CAROL),
        TestFleet.sign(
            fleet.writ(Capability.QUARANTINE).build(),
            TestFleet.ALICE,
            TestFleet.ALICE_PQ,
            TestFleet.BOB));
  }

  public static void main(String[] args) throws IOException {
    Path resources = Path.of(args.length > 0 ? args[0] : "src/test/resources/dev/writ/core");
    TestFleet fleet = VerifierFuzzTest.FLEET;
    List<byte[]> writs = verifierSeeds(fleet);
    write(resources.resolve("VerifierFuzzTestInputs/verify/deploy-ed25519"), writs.get(0));
    write(resources.resolve("VerifierFuzzTestInputs/verify/execute-ecdsa"), writs.get(1));
    write(resources.resolve("VerifierFuzzTestInputs/verify/quarantine-hybrid-dual"), writs.get(2));
    write(resources.resolve("EnvelopeFuzzTestInputs/parse/deploy-ed25519"), writs.get(0));
    write(resources.resolve("EnvelopeFuzzTestInputs/parse/quarantine-hybrid-dual"), writs.get(2));
    write(resources.resolve("TrustRootFuzzTestInputs/pinAndRotate/root-v1"), fleet.rootEnvelope());
    RootContents v2 =
        TestFleet.builder()
            .remove(TestFleet.ROOT_A)
            .grant(TestKey.ed25519("root-c"), Role.ROOT)
            .version(2)
            .contents();
    write(
        resources.resolve("TrustRootFuzzTestInputs/pinAndRotate/root-v2-rotation"),
        TestFleet.signRoot(v2, List.of(TestFleet.ROOT_A, TestKey.ed25519("root-c"))));
    // regression: a root whose first key has an empty public_key made BouncyCastle throw a
    // NullPointerException out of PublicKeyVerifier.decode, before any signature was checked
    String root = new String(v2.toCanonicalBytes(), StandardCharsets.UTF_8);
    String key = "\"public_key\":\"";
    int at = root.indexOf(key) + key.length();
    byte[] emptyKey =
        (root.substring(0, at) + root.substring(root.indexOf('"', at)))
            .getBytes(StandardCharsets.UTF_8);
    write(
        resources.resolve("TrustRootFuzzTestInputs/pinAndRotate/regression-empty-public-key"),
        TestFleet.envelope(Envelope.ROOT_PAYLOAD_TYPE, emptyKey, List.of(TestFleet.ROOT_A)));
    // a rotation whose policy carries every attestation member, so mutations reach its parser
    RootContents v2Attested =
        TestFleet.builder()
            .remove(TestFleet.ROOT_A)
            .grant(TestKey.ed25519("root-c"), Role.ROOT)
            .version(2)
            .policy(TestFleet.defaultPolicy().withAttestation(Optional.of(seedAttestation())))
            .contents();
    write(
        resources.resolve("TrustRootFuzzTestInputs/pinAndRotate/root-v2-attestation"),
        TestFleet.signRoot(v2Attested, List.of(TestFleet.ROOT_A, TestKey.ed25519("root-c"))));
    write(
        resources.resolve("json/JsonReaderFuzzTestInputs/readIntegersOnly/writ-payload"),
        fleet.writ(Capability.EXECUTE).build().toCanonicalBytes());
    write(
        resources.resolve("json/JsonReaderFuzzTestInputs/readIntegersOnly/root-payload"),
        fleet.contents().toCanonicalBytes());
  }

  /** An attestation member with an entry in every list (writ.md section 8.4). */
  static AttestationPolicy seedAttestation() {
    return new AttestationPolicy(
        List.of("a1".repeat(32)),
        List.of("b2".repeat(32)),
        List.of(
            new AttestationPolicy.PcrRequirement(AttestationPolicy.PcrBank.SHA256, 7, new byte[32]),
            new AttestationPolicy.PcrRequirement(AttestationPolicy.PcrBank.SHA1, 0, new byte[20])),
        List.of("c3".repeat(32)),
        new AttestationPolicy.SevSnpTcb(3, 0, 8, 115),
        List.of("5e".repeat(48)),
        List.of("d4".repeat(32)),
        List.of("7d".repeat(48)));
  }

  private static void write(Path file, byte[] bytes) throws IOException {
    Files.createDirectories(file.getParent());
    Files.write(file, bytes);
    System.out.println(file + " (" + bytes.length + " bytes)");
  }
}
