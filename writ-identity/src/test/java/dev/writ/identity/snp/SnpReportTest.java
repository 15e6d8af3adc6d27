package dev.writ.identity.snp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.writ.identity.AttestationException;
import dev.writ.identity.AttestationFailure;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SnpReportTest {
  private static final HexFormat HEX = HexFormat.of();

  @Test
  void parse_milanSample_readsEveryField() throws AttestationException {
    SnpReport r = SnpReport.parse(SnpVectors.report());

    assertThat(r.version()).isEqualTo(2);
    assertThat(r.guestSvn()).isZero();
    assertThat(r.guestPolicy().raw()).isEqualTo(0xb0000L);
    assertThat(r.guestPolicy().debugAllowed()).isTrue();
    assertThat(r.guestPolicy().smtAllowed()).isTrue();
    assertThat(r.guestPolicy().migrationAgentAllowed()).isFalse();
    assertThat(r.guestPolicy().abiMajor()).isZero();
    assertThat(r.familyId()).containsOnly(0);
    assertThat(r.imageId()).containsOnly(0);
    assertThat(r.vmpl()).isZero();
    assertThat(r.signatureAlgorithm()).isEqualTo(SnpReport.ECDSA_P384_SHA384);
    assertThat(r.platformInfo()).isEqualTo(1L);
    assertThat(r.signingKey()).isEqualTo(SnpSigningKey.VCEK);
    assertThat(r.authorKeyEnabled()).isFalse();
    assertThat(r.chipKeyMasked()).isFalse();
    assertThat(r.reportData()).isEqualTo(SnpVectors.reportData());
    assertThat(HEX.formatHex(r.measurement())).isEqualTo(SnpVectors.MEASUREMENT);
    assertThat(r.hostData()).containsOnly(0);
    assertThat(r.idKeyDigest()).containsOnly(0);
    assertThat(r.authorKeyDigest()).containsOnly(0);
    assertThat(HEX.formatHex(r.reportId()))
        .isEqualTo("8edc638e1857c555d21f6b11bda3c8b1b5a09dba4852b4c8ee7aa2f16f22cc0a");
    assertThat(r.reportIdMa()).containsOnly(0xff);
    assertThat(r.reportedTcb()).isEqualTo(SnpTcb.of(2, 0, 5, 68));
    assertThat(r.currentTcb()).isEqualTo(SnpTcb.of(2, 0, 5, 68));
    assertThat(r.committedTcb()).isEqualTo(SnpTcb.of(2, 0, 5, 68));
    assertThat(r.launchTcb()).isEqualTo(SnpTcb.of(2, 0, 5, 68));
    assertThat(r.cpuid()).isEmpty();
    assertThat(HEX.formatHex(r.chipId())).isEqualTo(SnpVectors.CHIP_ID);
    assertThat(r.currentFirmware()).isEqualTo(new SnpReport.FirmwareVersion(1, 49, 3));
    assertThat(r.committedFirmware()).isEqualTo(new SnpReport.FirmwareVersion(1, 49, 3));
    assertThat(r.launchMitigationVector()).isZero();
    assertThat(r.toByteArray()).isEqualTo(SnpVectors.report());
  }

  @Test
  void parse_copiesInput_laterChangesDoNotReachTheReport() throws AttestationException {
    byte[] bytes = SnpVectors.report();
    SnpReport r = SnpReport.parse(bytes);
    bytes[SnpReport.MEASUREMENT] ^= 1;
    r.measurement()[0] ^= 1;

    assertThat(HEX.formatHex(r.measurement())).isEqualTo(SnpVectors.MEASUREMENT);
  }

  @Test
  void parse_truncated_deniesWithMalformed() {
    byte[] bytes = Arrays.copyOf(SnpVectors.report(), SnpReport.SIZE - 1);

    assertFailure(bytes, AttestationFailure.ATTESTATION_MALFORMED);
    assertFailure(new byte[0], AttestationFailure.ATTESTATION_MALFORMED);
  }

  @Test
  void parse_oneByteTooMany_deniesWithOversize() {
    byte[] bytes = Arrays.copyOf(SnpVectors.report(), SnpReport.SIZE + 1);

    assertFailure(bytes, AttestationFailure.ATTESTATION_OVERSIZE);
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 6, 0x7fffffff, -1})
  void parse_unknownVersion_deniesWithMalformed(int version) {
    assertFailure(
        withU32(SnpVectors.report(), SnpReport.VERSION, version),
        AttestationFailure.ATTESTATION_MALFORMED);
  }

  @ParameterizedTest
  @ValueSource(ints = {3, 4, 5})
  void parse_laterVersionsOfFamily19h_accepted(int version) throws AttestationException {
    byte[] bytes = withU32(SnpVectors.report(), SnpReport.VERSION, version);
    bytes[SnpReport.CPUID_FAM_ID] = 0x19;
    bytes[SnpReport.CPUID_MOD_ID] = 0x11;
    bytes[SnpReport.CPUID_STEP] = 1;

    SnpReport r = SnpReport.parse(bytes);

    assertThat(r.version()).isEqualTo(version);
    assertThat(r.cpuid()).contains(new SnpReport.Cpuid(0x19, 0x11, 1));
  }

  @Test
  void parse_version3OfAnotherFamily_deniesWithMalformed() {
    byte[] bytes = withU32(SnpVectors.report(), SnpReport.VERSION, 3);
    bytes[SnpReport.CPUID_FAM_ID] = 0x1a; // Turin: a TCB_VERSION layout with an FMC byte

    assertFailure(bytes, AttestationFailure.ATTESTATION_MALFORMED);
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 2, 0x100})
  void parse_unknownSignatureAlgorithm_deniesWithMalformed(int algorithm) {
    assertFailure(
        withU32(SnpVectors.report(), SnpReport.SIGNATURE_ALGO, algorithm),
        AttestationFailure.ATTESTATION_MALFORMED);
  }

  @ParameterizedTest
  @ValueSource(longs = {0x90000L, 0x4030000L, 0x8000000000030000L})
  void parse_guestPolicyBreakingReservedBits_deniesWithMalformed(long policy) {
    byte[] bytes = SnpVectors.report();
    ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putLong(SnpReport.POLICY, policy);

    assertFailure(bytes, AttestationFailure.ATTESTATION_MALFORMED);
  }

  @ParameterizedTest
  @ValueSource(ints = {2 << 2, 6 << 2, 1 << 5, 1 << 31})
  void parse_reservedSignerInfo_deniesWithMalformed(int signerInfo) {
    assertFailure(
        withU32(SnpVectors.report(), SnpReport.SIGNER_INFO, signerInfo),
        AttestationFailure.ATTESTATION_MALFORMED);
  }

  @Test
  void parse_signerInfoFields_decoded() throws AttestationException {
    SnpReport vlek =
        SnpReport.parse(withU32(SnpVectors.report(), SnpReport.SIGNER_INFO, (1 << 2) | 1));
    SnpReport none = SnpReport.parse(withU32(SnpVectors.report(), SnpReport.SIGNER_INFO, 7 << 2));
    SnpReport masked = SnpReport.parse(withU32(SnpVectors.report(), SnpReport.SIGNER_INFO, 2));

    assertThat(vlek.signingKey()).isEqualTo(SnpSigningKey.VLEK);
    assertThat(vlek.authorKeyEnabled()).isTrue();
    assertThat(none.signingKey()).isEqualTo(SnpSigningKey.NONE);
    assertThat(masked.chipKeyMasked()).isTrue();
  }

  @ParameterizedTest
  @ValueSource(ints = {0x4c, 0x188, 0x19f, 0x1eb, 0x1ef, 0x208, 0x29f, 0x330, 0x49f})
  void parse_nonZeroReservedByte_deniesWithMalformed(int offset) {
    byte[] bytes = SnpVectors.report();
    bytes[offset] = 1;

    assertFailure(bytes, AttestationFailure.ATTESTATION_MALFORMED);
  }

  private static byte[] withU32(byte[] bytes, int offset, int value) {
    ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putInt(offset, value);
    return bytes;
  }

  private static void assertFailure(byte[] bytes, AttestationFailure failure) {
    assertThatThrownBy(() -> SnpReport.parse(bytes))
        .isInstanceOfSatisfying(
            AttestationException.class, e -> assertThat(e.failure()).isEqualTo(failure));
  }
}
