package dev.writ.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.writ.core.AttestationPolicy.PcrBank;
import dev.writ.core.AttestationPolicy.PcrRequirement;
import dev.writ.core.AttestationPolicy.SevSnpTcb;
import dev.writ.core.json.CanonicalJson;
import dev.writ.core.json.JsonValue;
import dev.writ.core.json.JsonValue.JsonArray;
import dev.writ.core.json.JsonValue.JsonInteger;
import dev.writ.core.json.JsonValue.JsonObject;
import dev.writ.core.json.JsonValue.JsonString;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The trust root's {@code policy.attestation} member (writ.md section 8.4): parsing, canonical
 * writing, and one test per rule with the exact denial reason.
 */
class AttestationPolicyTest {
  private static final String FP_A = "a1".repeat(32);
  private static final String FP_B = "b2".repeat(32);
  private static final String FP_C = "c3".repeat(32);
  private static final String FP_D = "d4".repeat(32);
  private static final String FP_E = "e5".repeat(32);
  private static final String MEASUREMENT = "5e".repeat(48);
  private static final String MRTD = "7d".repeat(48);
  private static final String PCR_SHA256_7 = "sha256:7:" + "00".repeat(32);
  private static final String PCR_SHA1_0 = "sha1:0:" + "ff".repeat(20);

  /** A valid member, in table order; tests edit a copy. */
  private static Map<String, JsonValue> valid() {
    Map<String, JsonValue> m = new LinkedHashMap<>();
    m.put("tpm_authorities", strings(FP_A));
    m.put("tpm_software_authorities", strings(FP_B));
    m.put("tpm_pcrs", strings(PCR_SHA256_7, PCR_SHA1_0));
    m.put("sev_snp_authorities", strings(FP_C));
    m.put("sev_snp_min_tcb", ints(3, 0, 8, 115));
    m.put("sev_snp_measurements", strings(MEASUREMENT));
    m.put("tdx_authorities", strings(FP_D));
    m.put("tdx_mrtds", strings());
    return m;
  }

  private static JsonArray strings(String... s) {
    List<JsonValue> out = new ArrayList<>();
    for (String x : s) {
      out.add(new JsonString(x));
    }
    return new JsonArray(out);
  }

  private static JsonArray ints(long... n) {
    List<JsonValue> out = new ArrayList<>();
    for (long x : n) {
      out.add(new JsonInteger(x));
    }
    return new JsonArray(out);
  }

  /** The standard test root's payload with {@code attestation} added to its policy. */
  private static byte[] rootWith(JsonValue attestation) {
    String base =
        new String(TestFleet.standard().contents().toCanonicalBytes(), StandardCharsets.UTF_8);
    String att = new String(CanonicalJson.write(attestation), StandardCharsets.UTF_8);
    assertThat(base).contains("\"policy\":{\"clock_skew\"");
    return base.replace("\"policy\":{", "\"policy\":{\"attestation\":" + att + ",")
        .getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] rootWith(Consumer<Map<String, JsonValue>> edit) {
    Map<String, JsonValue> m = valid();
    edit.accept(m);
    return rootWith(new JsonObject(m));
  }

  private static void assertDenied(
      Consumer<Map<String, JsonValue>> edit, Reason reason, String detail) {
    byte[] root = rootWith(edit);
    assertThatThrownBy(() -> RootContents.parse(root))
        .isInstanceOfSatisfying(
            WritDeniedException.class,
            e -> {
              assertThat(e.reason()).isEqualTo(reason);
              assertThat(e.detail()).contains(detail);
            });
  }

  // valid -----------------------------------------------------------------------------------------

  @Test
  void parse_rootWithAttestation_readsEveryMemberAndWritesTheSameBytes() throws Exception {
    byte[] root = rootWith(new JsonObject(valid()));
    RootContents rc = RootContents.parse(root);
    AttestationPolicy a = rc.policy().attestation().orElseThrow();
    assertThat(a.tpmAuthorities()).containsExactly(FP_A);
    assertThat(a.tpmSoftwareAuthorities()).containsExactly(FP_B);
    assertThat(a.tpmPcrs())
        .containsExactly(PcrRequirement.parse(PCR_SHA256_7), PcrRequirement.parse(PCR_SHA1_0));
    assertThat(a.tpmPcrs().get(0).bank()).isEqualTo(PcrBank.SHA256);
    assertThat(a.tpmPcrs().get(0).index()).isEqualTo(7);
    assertThat(a.tpmPcrs().get(0).value()).isEqualTo(new byte[32]);
    assertThat(a.sevSnpAuthorities()).containsExactly(FP_C);
    assertThat(a.sevSnpMinTcb()).isEqualTo(new SevSnpTcb(3, 0, 8, 115));
    assertThat(a.sevSnpMeasurements()).containsExactly(MEASUREMENT);
    assertThat(a.tdxAuthorities()).containsExactly(FP_D);
    assertThat(a.tdxMrtds()).isEmpty();
    assertThat(rc.toCanonicalBytes()).isEqualTo(root);
  }

  @Test
  void parse_listsInNonSortedOrder_keepTheirOrderOnWriting() throws Exception {
    byte[] root =
        rootWith(
            m -> {
              m.put("tpm_authorities", strings(FP_E, FP_A));
              m.put("tpm_pcrs", strings(PCR_SHA1_0, PCR_SHA256_7));
              m.put("tdx_mrtds", strings(MRTD, MEASUREMENT));
            });
    RootContents rc = RootContents.parse(root);
    assertThat(rc.policy().attestation().orElseThrow().tpmAuthorities())
        .containsExactly(FP_E, FP_A);
    assertThat(rc.toCanonicalBytes()).isEqualTo(root);
  }

  @Test
  void parse_rootWithoutAttestation_isEmptyAndWritesNoMember() throws Exception {
    RootContents rc = RootContents.parse(TestFleet.standard().contents().toCanonicalBytes());
    assertThat(rc.policy().attestation()).isEmpty();
    assertThat(new String(rc.toCanonicalBytes(), StandardCharsets.UTF_8))
        .doesNotContain("attestation");
  }

  @Test
  void create_policyWithAttestation_roundTripsThroughCanonicalBytes() throws Exception {
    AttestationPolicy a =
        new AttestationPolicy(
            List.of(FP_A),
            List.of(),
            List.of(new PcrRequirement(PcrBank.SHA384, 23, new byte[48])),
            List.of(),
            new SevSnpTcb(0, 0, 0, 0),
            List.of(),
            List.of(FP_D),
            List.of(MRTD));
    Policy p = TestFleet.defaultPolicy().withAttestation(Optional.of(a));
    RootContents rc = TestFleet.builder().policy(p).contents();
    RootContents back = RootContents.parse(rc.toCanonicalBytes());
    assertThat(back.policy()).isEqualTo(p);
    assertThat(back.policy().attestation()).contains(a);
    assertThat(new String(rc.toCanonicalBytes(), StandardCharsets.UTF_8))
        .contains("\"tpm_pcrs\":[\"sha384:23:" + "00".repeat(48) + "\"]");
  }

  @Test
  void pin_signedRootWithAttestation_acceptedAndVerifiesWrits() throws Exception {
    AttestationPolicy a = AttestationPolicy.read(CanonicalJson.write(new JsonObject(valid())));
    TestFleet fleet =
        TestFleet.builder()
            .policy(TestFleet.defaultPolicy().withAttestation(Optional.of(a)))
            .build();
    TrustRoot pinned = TrustRoot.pin(fleet.rootEnvelope());
    assertThat(pinned.contents().policy().attestation()).contains(a);
  }

  @Test
  void read_draftWithWhitespaceAndAnyMemberOrder_acceptedWithTheSameRules() throws Exception {
    String draft =
        """
        {
          "tdx_mrtds": [],
          "tdx_authorities": [],
          "tpm_authorities": ["%s"],
          "tpm_software_authorities": [],
          "tpm_pcrs": ["%s"],
          "sev_snp_authorities": [],
          "sev_snp_min_tcb": [0, 0, 0, 0],
          "sev_snp_measurements": []
        }
        """
            .formatted(FP_A, PCR_SHA256_7);
    AttestationPolicy a = AttestationPolicy.read(draft.getBytes(StandardCharsets.UTF_8));
    assertThat(a.tpmAuthorities()).containsExactly(FP_A);
    assertThat(a.tpmPcrs()).containsExactly(PcrRequirement.parse(PCR_SHA256_7));
  }

  @Test
  void read_draftWithUnknownMember_deniesWithUnknownField() {
    Map<String, JsonValue> m = valid();
    m.put("allow_debug", strings());
    byte[] draft = CanonicalJson.write(new JsonObject(m));
    assertThatThrownBy(() -> AttestationPolicy.read(draft))
        .isInstanceOfSatisfying(
            WritDeniedException.class, e -> assertThat(e.reason()).isEqualTo(Reason.UNKNOWN_FIELD));
  }

  @Test
  void read_notJson_deniesWithMalformed() {
    byte[] truncated = "{\"tpm_authorities\":".getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> AttestationPolicy.read(truncated))
        .isInstanceOfSatisfying(
            WritDeniedException.class, e -> assertThat(e.reason()).isEqualTo(Reason.MALFORMED));
  }

  // member set ------------------------------------------------------------------------------------

  @Test
  void parse_unknownMember_deniesWithUnknownField() {
    assertDenied(
        m -> m.put("allow_debug", new JsonValue.JsonBool(true)),
        Reason.UNKNOWN_FIELD,
        "\"allow_debug\"");
  }

  @Test
  void parse_unknownMemberAndBadFingerprint_unknownFieldIsReportedFirst() {
    assertDenied(
        m -> {
          m.put("tpm_authorities", strings("xyz"));
          m.put("zz_extra", strings());
        },
        Reason.UNKNOWN_FIELD,
        "\"zz_extra\"");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "tpm_authorities",
        "tpm_software_authorities",
        "tpm_pcrs",
        "sev_snp_authorities",
        "sev_snp_min_tcb",
        "sev_snp_measurements",
        "tdx_authorities",
        "tdx_mrtds"
      })
  void parse_missingMember_deniesWithMalformed(String member) {
    assertDenied(m -> m.remove(member), Reason.MALFORMED, "lacks \"" + member + "\"");
  }

  @Test
  void parse_attestationNotAnObject_deniesWithMalformed() {
    byte[] root = rootWith(strings(FP_A));
    assertThatThrownBy(() -> RootContents.parse(root))
        .isInstanceOfSatisfying(
            WritDeniedException.class,
            e -> {
              assertThat(e.reason()).isEqualTo(Reason.MALFORMED);
              assertThat(e.detail()).contains("attestation must be an object");
            });
  }

  @Test
  void parse_memberNotAnArray_deniesWithMalformed() {
    assertDenied(
        m -> m.put("tdx_authorities", new JsonString(FP_D)),
        Reason.MALFORMED,
        "tdx_authorities must be an array");
  }

  @Test
  void parse_listElementNotAString_deniesWithMalformed() {
    assertDenied(
        m -> m.put("sev_snp_authorities", ints(1)),
        Reason.MALFORMED,
        "sev_snp_authorities must hold strings");
  }

  @Test
  void parse_listElementAnArray_deniesWithOversizeForDepth() {
    assertDenied(
        m -> m.put("tpm_authorities", new JsonArray(List.of(strings(FP_A)))),
        Reason.OVERSIZE,
        "nesting deeper than 4");
  }

  @Test
  void parse_sixtyFiveAuthorities_deniesWithOversizeForTheMemberLimit() {
    List<JsonValue> many = new ArrayList<>();
    for (int i = 0; i < 65; i++) {
      many.add(new JsonString("%064x".formatted(i)));
    }
    assertDenied(
        m -> m.put("tpm_authorities", new JsonArray(many)),
        Reason.OVERSIZE,
        "more than 64 elements");
  }

  @Test
  void parse_sixtyFourAuthorities_accepted() throws Exception {
    List<JsonValue> many = new ArrayList<>();
    for (int i = 0; i < 64; i++) {
      many.add(new JsonString("%064x".formatted(i)));
    }
    RootContents rc =
        RootContents.parse(rootWith(m -> m.put("tdx_authorities", new JsonArray(many))));
    assertThat(rc.policy().attestation().orElseThrow().tdxAuthorities()).hasSize(64);
  }

  // fingerprints ----------------------------------------------------------------------------------

  @ParameterizedTest
  @ValueSource(
      strings = {
        "tpm_authorities",
        "tpm_software_authorities",
        "sev_snp_authorities",
        "tdx_authorities"
      })
  void parse_uppercaseFingerprint_deniesWithMalformed(String member) {
    assertDenied(
        m -> m.put(member, strings(FP_E.toUpperCase(Locale.ROOT))),
        Reason.MALFORMED,
        member + " entry is not a fingerprint");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "a1",
        "sha256:a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1",
        "g0g0g0g0g0g0g0g0g0g0g0g0g0g0g0g0g0g0g0g0g0g0g0g0g0g0g0g0g0g0g0g0",
        " a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1"
      })
  void parse_shortPrefixedOrNonHexFingerprint_deniesWithMalformed(String bad) {
    assertDenied(
        m -> m.put("tpm_authorities", strings(bad)),
        Reason.MALFORMED,
        "tpm_authorities entry is not a fingerprint");
  }

  @Test
  void parse_fingerprintOf63HexDigits_deniesWithMalformed() {
    assertDenied(
        m -> m.put("sev_snp_authorities", strings(FP_C.substring(1))),
        Reason.MALFORMED,
        "sev_snp_authorities entry is not a fingerprint");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "tpm_authorities",
        "tpm_software_authorities",
        "sev_snp_authorities",
        "tdx_authorities"
      })
  void parse_duplicateFingerprint_deniesWithMalformed(String member) {
    assertDenied(m -> m.put(member, strings(FP_E, FP_E)), Reason.MALFORMED, "twice");
  }

  @Test
  void parse_fingerprintInBothTpmLists_deniesWithMalformed() {
    assertDenied(
        m -> m.put("tpm_software_authorities", strings(FP_B, FP_A)),
        Reason.MALFORMED,
        "in both tpm_authorities and tpm_software_authorities");
  }

  @Test
  void parse_sameFingerprintForTpmAndSevSnp_accepted() throws Exception {
    RootContents rc =
        RootContents.parse(rootWith(m -> m.put("sev_snp_authorities", strings(FP_A))));
    assertThat(rc.policy().attestation().orElseThrow().sevSnpAuthorities()).containsExactly(FP_A);
  }

  // PCRs ------------------------------------------------------------------------------------------

  @ParameterizedTest
  @ValueSource(
      strings = {
        "md5:0:00000000000000000000000000000000", // unknown bank
        "SHA256:7:", // bank in uppercase (value appended below)
        "sha256:24:", // index above 23
        "sha256:07:", // leading zero
        "sha256:-1:", // negative
        "sha256::", // no index
        "sha256:7", // no value
        "sha256:7:00:", // a fourth part
        "sha256 :7:", // space
      })
  void parse_badPcrString_deniesWithMalformed(String bad) {
    String entry = bad.endsWith(":") ? bad + "00".repeat(32) : bad;
    assertDenied(m -> m.put("tpm_pcrs", strings(entry)), Reason.MALFORMED, "tpm_pcrs");
  }

  @Test
  void parse_pcrValueInUppercase_deniesWithMalformed() {
    assertDenied(
        m -> m.put("tpm_pcrs", strings("sha256:7:" + "AB".repeat(32))),
        Reason.MALFORMED,
        "tpm_pcrs entry is not <bank>:<index>:<lowercase hex>");
  }

  @ParameterizedTest
  @ValueSource(strings = {"sha1:32", "sha256:20", "sha256:48", "sha384:32", "sha512:63"})
  void parse_pcrValueOfAnotherBanksLength_deniesWithMalformed(String bankAndBytes) {
    String[] p = bankAndBytes.split(":", 2);
    String entry = p[0] + ":0:" + "ab".repeat(Integer.parseInt(p[1]));
    assertDenied(m -> m.put("tpm_pcrs", strings(entry)), Reason.MALFORMED, "hex digits");
  }

  @Test
  void parse_oddLengthPcrValue_deniesWithMalformed() {
    assertDenied(
        m -> m.put("tpm_pcrs", strings("sha1:0:" + "a".repeat(39))),
        Reason.MALFORMED,
        "40 hex digits");
  }

  @Test
  void parse_samePcrTwiceWithDifferentValues_deniesWithMalformed() {
    assertDenied(
        m -> m.put("tpm_pcrs", strings(PCR_SHA256_7, "sha256:7:" + "11".repeat(32))),
        Reason.MALFORMED,
        "tpm_pcrs lists sha256:7 twice");
  }

  @Test
  void parse_identicalPcrEntriesTwice_deniesWithMalformed() {
    assertDenied(
        m -> m.put("tpm_pcrs", strings(PCR_SHA1_0, PCR_SHA1_0)),
        Reason.MALFORMED,
        "tpm_pcrs lists sha1:0 twice");
  }

  @Test
  void parse_samePcrIndexInTwoBanks_accepted() throws Exception {
    RootContents rc =
        RootContents.parse(
            rootWith(m -> m.put("tpm_pcrs", strings(PCR_SHA256_7, "sha1:7:" + "00".repeat(20)))));
    assertThat(rc.policy().attestation().orElseThrow().tpmPcrs()).hasSize(2);
  }

  @Test
  void parse_everyBankAtIndexesZeroAndTwentyThree_accepted() throws Exception {
    List<String> entries = new ArrayList<>();
    for (PcrBank b : PcrBank.values()) {
      entries.add(b.wire() + ":0:" + "01".repeat(b.digestLength()));
      entries.add(b.wire() + ":23:" + "fe".repeat(b.digestLength()));
    }
    RootContents rc =
        RootContents.parse(
            rootWith(m -> m.put("tpm_pcrs", strings(entries.toArray(String[]::new)))));
    assertThat(rc.policy().attestation().orElseThrow().tpmPcrs())
        .extracting(PcrRequirement::wire)
        .containsExactlyElementsOf(entries);
  }

  // SEV-SNP TCB -----------------------------------------------------------------------------------

  @Test
  void parse_minTcbOfThreeIntegers_deniesWithMalformed() {
    assertDenied(
        m -> m.put("sev_snp_min_tcb", ints(1, 2, 3)), Reason.MALFORMED, "exactly 4 integers");
  }

  @Test
  void parse_minTcbOfFiveIntegers_deniesWithMalformed() {
    assertDenied(
        m -> m.put("sev_snp_min_tcb", ints(1, 2, 3, 4, 5)), Reason.MALFORMED, "exactly 4 integers");
  }

  @ParameterizedTest
  @ValueSource(longs = {-1, 256, 9007199254740991L})
  void parse_minTcbComponentOutOfRange_deniesWithMalformed(long bad) {
    assertDenied(
        m -> m.put("sev_snp_min_tcb", ints(0, bad, 0, 0)), Reason.MALFORMED, "integers 0 to 255");
  }

  @Test
  void parse_minTcbComponentAString_deniesWithMalformed() {
    assertDenied(
        m ->
            m.put(
                "sev_snp_min_tcb",
                new JsonArray(
                    List.of(
                        new JsonInteger(0),
                        new JsonString("1"),
                        new JsonInteger(0),
                        new JsonInteger(0)))),
        Reason.MALFORMED,
        "integers 0 to 255");
  }

  @Test
  void parse_minTcbAtTheBounds_accepted() throws Exception {
    RootContents rc =
        RootContents.parse(rootWith(m -> m.put("sev_snp_min_tcb", ints(0, 255, 0, 255))));
    assertThat(rc.policy().attestation().orElseThrow().sevSnpMinTcb())
        .isEqualTo(new SevSnpTcb(0, 255, 0, 255));
  }

  @Test
  void meets_everyComponentAtLeastTheMinimum_onlyThenTrue() {
    SevSnpTcb min = new SevSnpTcb(3, 0, 8, 115);
    assertThat(new SevSnpTcb(3, 0, 8, 115).meets(min)).isTrue();
    assertThat(new SevSnpTcb(4, 1, 9, 200).meets(min)).isTrue();
    assertThat(new SevSnpTcb(2, 9, 9, 255).meets(min)).isFalse();
    assertThat(new SevSnpTcb(9, 9, 9, 114).meets(min)).isFalse();
    assertThat(new SevSnpTcb(9, 9, 7, 255).meets(min)).isFalse();
  }

  // measurements and MRTDs ------------------------------------------------------------------------

  @ParameterizedTest
  @ValueSource(strings = {"sev_snp_measurements", "tdx_mrtds"})
  void parse_measurementOf95HexDigits_deniesWithMalformed(String member) {
    assertDenied(
        m -> m.put(member, strings(MEASUREMENT.substring(1))),
        Reason.MALFORMED,
        member + " entry is not 96 hex digits");
  }

  @ParameterizedTest
  @ValueSource(strings = {"sev_snp_measurements", "tdx_mrtds"})
  void parse_measurementOfAFingerprintsLength_deniesWithMalformed(String member) {
    assertDenied(
        m -> m.put(member, strings(FP_A)), Reason.MALFORMED, member + " entry is not 96 hex");
  }

  @ParameterizedTest
  @ValueSource(strings = {"sev_snp_measurements", "tdx_mrtds"})
  void parse_measurementInUppercase_deniesWithMalformed(String member) {
    assertDenied(
        m -> m.put(member, strings(MRTD.toUpperCase(Locale.ROOT))),
        Reason.MALFORMED,
        member + " entry is not 96 hex digits");
  }

  @ParameterizedTest
  @ValueSource(strings = {"sev_snp_measurements", "tdx_mrtds"})
  void parse_duplicateMeasurement_deniesWithMalformed(String member) {
    assertDenied(m -> m.put(member, strings(MRTD, MRTD)), Reason.MALFORMED, "twice");
  }

  // the Java constructors -------------------------------------------------------------------------

  @Test
  void constructor_sixtyFiveEntries_refused() {
    List<String> many = new ArrayList<>();
    for (int i = 0; i < 65; i++) {
      many.add("%064x".formatted(i));
    }
    assertThatThrownBy(() -> withTpm(many, List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("tpm_authorities has more than 64 entries");
  }

  @Test
  void constructor_fingerprintInBothTpmLists_refused() {
    assertThatThrownBy(() -> withTpm(List.of(FP_A), List.of(FP_A)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("in both tpm_authorities and tpm_software_authorities");
  }

  @Test
  void constructor_listsAreCopiedAndUnmodifiable() {
    List<String> tpm = new ArrayList<>(List.of(FP_A));
    AttestationPolicy a = withTpm(tpm, List.of());
    tpm.add(FP_B);
    assertThat(a.tpmAuthorities()).containsExactly(FP_A);
    assertThatThrownBy(() -> a.tpmAuthorities().add(FP_C))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void pcrRequirement_valueIsCopiedInAndOut() {
    byte[] v = new byte[20];
    PcrRequirement p = new PcrRequirement(PcrBank.SHA1, 0, v);
    v[0] = 1;
    assertThat(p.value()).isEqualTo(new byte[20]);
    p.value()[0] = 2;
    assertThat(p.value()).isEqualTo(new byte[20]);
    assertThat(p).isEqualTo(new PcrRequirement(PcrBank.SHA1, 0, new byte[20]));
    assertThat(p).hasSameHashCodeAs(new PcrRequirement(PcrBank.SHA1, 0, new byte[20]));
    assertThat(p.toString()).isEqualTo("sha1:0:" + "00".repeat(20));
  }

  @Test
  void pcrRequirement_wrongLengthOrIndex_refused() {
    assertThatThrownBy(() -> new PcrRequirement(PcrBank.SHA256, 0, new byte[20]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("a sha256 PCR value is 32 bytes");
    assertThatThrownBy(() -> new PcrRequirement(PcrBank.SHA256, 24, new byte[32]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("a PCR index is 0 to 23");
  }

  @Test
  void sevSnpTcb_componentOutOfRange_refused() {
    assertThatThrownBy(() -> new SevSnpTcb(0, 0, 256, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("a TCB component is 0 to 255");
  }

  private static AttestationPolicy withTpm(List<String> tpm, List<String> software) {
    return new AttestationPolicy(
        tpm,
        software,
        Collections.emptyList(),
        List.of(),
        new SevSnpTcb(0, 0, 0, 0),
        List.of(),
        List.of(),
        List.of());
  }
}
