package dev.writ.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.writ.core.AttestationPolicy.PcrBank;
import dev.writ.core.AttestationPolicy.PcrRequirement;
import dev.writ.core.AttestationPolicy.SevSnpTcb;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * Properties of the attestation member: whatever valid policy is drafted, the root carrying it
 * parses back to the same policy and the same bytes; and whatever single character of the member is
 * changed, the root is either denied or read exactly as written (never silently normalized).
 */
class AttestationPolicyPropertyTest {
  private static final RootContents BASE = TestFleet.standard().contents();

  @Provide
  Arbitrary<AttestationPolicy> policies() {
    Arbitrary<List<String>> fingerprints = hex(32).list().ofMaxSize(5).uniqueElements();
    Arbitrary<List<String>> measurements = hex(48).list().ofMaxSize(4).uniqueElements();
    Arbitrary<PcrRequirement> pcr =
        Combinators.combine(
                Arbitraries.of(PcrBank.class),
                Arbitraries.integers().between(0, PcrRequirement.MAX_INDEX),
                Arbitraries.bytes().array(byte[].class).ofSize(64))
            .as((b, i, v) -> new PcrRequirement(b, i, Arrays.copyOf(v, b.digestLength())));
    Arbitrary<List<PcrRequirement>> pcrs =
        pcr.list().ofMaxSize(6).uniqueElements(p -> p.bank().wire() + ":" + p.index());
    Arbitrary<Integer> c = Arbitraries.integers().between(0, 255);
    Arbitrary<SevSnpTcb> tcb = Combinators.combine(c, c, c, c).as(SevSnpTcb::new);
    return Combinators.combine(
            fingerprints,
            fingerprints,
            pcrs,
            fingerprints,
            tcb,
            measurements,
            fingerprints,
            measurements)
        .as(
            (tpm, software, p, snp, t, meas, tdx, mrtds) -> {
              List<String> soft = new ArrayList<>(software);
              soft.removeAll(tpm);
              return new AttestationPolicy(tpm, soft, p, snp, t, meas, tdx, mrtds);
            });
  }

  private static Arbitrary<String> hex(int bytes) {
    return Arbitraries.bytes()
        .array(byte[].class)
        .ofSize(bytes)
        .map(b -> HexFormat.of().formatHex(b));
  }

  private static byte[] rootBytes(AttestationPolicy a) throws WritDeniedException {
    return RootContents.create(
            BASE.version(),
            BASE.expires(),
            BASE.trustDomain(),
            BASE.keys(),
            BASE.roles(),
            BASE.policy().withAttestation(Optional.of(a)))
        .toCanonicalBytes();
  }

  @Property(tries = 200)
  void anyValidPolicy_roundTripsThroughTheRootByteForByte(@ForAll("policies") AttestationPolicy a)
      throws Exception {
    byte[] bytes = rootBytes(a);
    RootContents back = RootContents.parse(bytes);
    assertThat(back.policy().attestation()).contains(a);
    assertThat(back.toCanonicalBytes()).isEqualTo(bytes);
  }

  @Property(tries = 300)
  void anySingleCharacterChangeInTheMember_isDeniedOrReadExactlyAsWritten(
      @ForAll("policies") AttestationPolicy a,
      @ForAll @IntRange(min = 0, max = 100_000) int where,
      @ForAll("replacements") char replacement)
      throws Exception {
    String root = new String(rootBytes(a), StandardCharsets.UTF_8);
    int start = root.indexOf("\"attestation\":");
    int end = root.indexOf("}", start);
    int at = start + where % (end + 1 - start);
    String changed = root.substring(0, at) + replacement + root.substring(at + 1);
    byte[] bytes = changed.getBytes(StandardCharsets.UTF_8);
    try {
      RootContents parsed = RootContents.parse(bytes);
      assertThat(parsed.toCanonicalBytes()).isEqualTo(bytes);
    } catch (WritDeniedException e) {
      assertThat(e.reason())
          .isIn(Reason.MALFORMED, Reason.UNKNOWN_FIELD, Reason.NON_CANONICAL, Reason.OVERSIZE);
    }
  }

  @Provide
  Arbitrary<Character> replacements() {
    Set<Character> cs = new LinkedHashSet<>();
    for (char ch : "0123456789abcdefABCDEF:,[]{}\" xsz-".toCharArray()) {
      cs.add(ch);
    }
    return Arbitraries.of(cs);
  }
}
