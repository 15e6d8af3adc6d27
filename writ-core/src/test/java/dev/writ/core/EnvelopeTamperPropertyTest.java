package dev.writ.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * A writ envelope that is allowed stops being allowed after any single-byte change, whatever the
 * position and the new value: the change either breaks the strict parse, or the canonical form, or
 * the signed bytes. Every try uses a fresh ledger, so the denial is never just {@code SPENT}.
 */
class EnvelopeTamperPropertyTest {

  /** Allowed envelopes of several signature shapes. */
  enum Fixture {
    ED25519_ONE_SIGNATURE,
    ECDSA_ONE_SIGNATURE,
    TWO_OF_TWO,
    HYBRID
  }

  /** A fixture's fleet and its allowed envelope. */
  @SuppressWarnings("ArrayRecordComponent") // test data, never mutated: callers clone
  private record Built(TestFleet fleet, byte[] envelope) {}

  private static final Map<Fixture, Built> BUILT = new EnumMap<>(Fixture.class);

  static {
    for (Fixture f : Fixture.values()) {
      BUILT.put(f, build(f));
    }
  }

  private static Built build(Fixture f) {
    return switch (f) {
      case ED25519_ONE_SIGNATURE -> {
        TestFleet fleet = TestFleet.standard();
        yield new Built(
            fleet, TestFleet.sign(fleet.writ(Capability.DEPLOY).build(), TestFleet.ALICE));
      }
      case ECDSA_ONE_SIGNATURE -> {
        TestFleet fleet = TestFleet.standard();
        yield new Built(
            fleet, TestFleet.sign(fleet.writ(Capability.EXECUTE).build(), TestFleet.CAROL));
      }
      case TWO_OF_TWO -> {
        TestFleet fleet = TestFleet.builder().threshold(Role.INITIATOR, 2).build();
        yield new Built(
            fleet,
            TestFleet.sign(
                fleet.writ(Capability.DEPLOY).build(), TestFleet.ALICE, TestFleet.CAROL));
      }
      case HYBRID -> {
        TestFleet fleet =
            TestFleet.builder()
                .policy(
                    TestFleet.policy(
                        Tier.GVISOR,
                        EnumSet.of(Capability.QUARANTINE),
                        EnumSet.noneOf(Capability.class),
                        true))
                .build();
        yield new Built(
            fleet,
            TestFleet.sign(
                fleet.writ(Capability.QUARANTINE).build(),
                TestFleet.ALICE,
                TestFleet.ALICE_PQ,
                TestFleet.BOB,
                TestFleet.BOB_PQ));
      }
    };
  }

  private static byte[] envelope(Fixture f) {
    return BUILT.get(f).envelope().clone();
  }

  private static Decision verifyFresh(Fixture f, byte[] envelope) throws Exception {
    return BUILT
        .get(f)
        .fleet()
        .verifier(new InMemorySpendLedger())
        .verify(envelope, TestFleet.nodeContext());
  }

  @Example
  void verify_untouchedFixtures_areAllowed() throws Exception {
    for (Fixture f : Fixture.values()) {
      assertThat(verifyFresh(f, envelope(f))).as(f.name()).isInstanceOf(Decision.Allow.class);
    }
  }

  @Property(tries = 2000)
  void verify_anySingleByteChange_isDenied(
      @ForAll Fixture fixture,
      @ForAll @IntRange(min = 0, max = Integer.MAX_VALUE) int position,
      @ForAll @IntRange(min = 1, max = 255) int delta)
      throws Exception {
    byte[] envelope = envelope(fixture);
    int at = position % envelope.length;
    envelope[at] = (byte) (envelope[at] + delta); // delta in 1..255: always a different value
    assertThat(verifyFresh(fixture, envelope))
        .as("%s with byte %d changed by %d", fixture, at, delta)
        .isInstanceOf(Decision.Deny.class);
  }

  @Example
  void verify_everyPositionFlippedInSmallEd25519Envelope_isDenied() throws Exception {
    Fixture f = Fixture.ED25519_ONE_SIGNATURE;
    byte[] original = envelope(f);
    for (int xor : new int[] {0x01, 0x20}) {
      for (int at = 0; at < original.length; at++) {
        byte[] envelope = original.clone();
        envelope[at] ^= (byte) xor;
        assertThat(verifyFresh(f, envelope))
            .as("byte %d xor 0x%02x", at, xor)
            .isInstanceOf(Decision.Deny.class);
      }
    }
  }
}
