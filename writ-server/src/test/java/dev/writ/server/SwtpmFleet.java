package dev.writ.server;

import dev.writ.core.AttestationPolicy;
import dev.writ.core.TestFleet;
import dev.writ.identity.Fingerprint;
import dev.writ.identity.svid.SvidException;
import dev.writ.identity.svid.TrustBundle;
import dev.writ.identity.svid.TrustDomain;
import dev.writ.identity.tpm.SwtpmProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Shared setup of the enrollment and renewal tests: a test clock the tests move, and a test fleet
 * whose root trusts one swtpm's local CA as a software TPM authority and requires PCR sha256:16 to
 * be 32 zero bytes (a fresh swtpm's value, so extending it is the PCR-mismatch case).
 */
final class SwtpmFleet {
  private SwtpmFleet() {}

  /** A clock that reads {@code now}; tests set it to move time. */
  static Clock clock(AtomicReference<Instant> now) {
    return new Clock() {
      @Override
      public ZoneId getZone() {
        return ZoneOffset.UTC;
      }

      @Override
      public Clock withZone(ZoneId zone) {
        return this;
      }

      @Override
      public Instant instant() {
        return now.get();
      }
    };
  }

  /** The fleet whose root lists {@code swtpm}'s CA, valid for 30 days from {@code now}. */
  static TestFleet fleet(SwtpmProcess swtpm, Instant now) {
    AttestationPolicy attestation =
        new AttestationPolicy(
            List.of(),
            List.of(Fingerprint.of(swtpm.rootCertificate()).hex()),
            List.of(
                new AttestationPolicy.PcrRequirement(
                    AttestationPolicy.PcrBank.SHA256, 16, new byte[32])),
            List.of(),
            new AttestationPolicy.SevSnpTcb(0, 0, 0, 0),
            List.of(),
            List.of(),
            List.of());
    return TestFleet.builder()
        .expires(now.plus(Duration.ofDays(30)))
        .policy(TestFleet.defaultPolicy().withAttestation(Optional.of(attestation)))
        .build();
  }

  /** The trust bundle the server wrote. */
  static TrustBundle bundle(WritServer server) throws IOException, SvidException {
    return TrustBundle.parse(
        new TrustDomain(TestFleet.TRUST_DOMAIN), Files.readAllBytes(server.bundleFile()));
  }
}
