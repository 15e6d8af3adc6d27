package dev.writ.identity.tpm;

import static dev.writ.identity.tpm.Refusals.assertFails;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.fail;

import dev.writ.identity.AttestationException;
import dev.writ.identity.AttestationFailure;
import java.io.IOException;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The quote steps against a real TPM's quote (go-attestation's GCP shielded VM sample): it
 * verifies, and each mutated region is refused with its own code.
 */
class TpmQuoteSampleTest {
  // byte offsets in the sample, from TPM 2.0 Part 2 (docs/spec/attestation-tpm.md)
  private static final int AK_ATTRIBUTES_BITS_23_16 = 5;
  private static final int AK_ATTRIBUTES_BITS_7_0 = 7;
  private static final int AK_SCHEME_HASH = 46;
  private static final int QUOTE_TYPE = 4;
  private static final int QUOTE_CLOCK = 44;
  private static final int QUOTE_SAFE = 60;
  private static final int QUOTE_PCR_SELECT = 76;
  private static final int QUOTE_PCR_DIGEST = 81;
  private static final int SIG_HASH = 2;
  private static final int SIG_SIZE = 4;

  private static GoogleQuoteSample sample;

  @BeforeAll
  static void load() throws IOException {
    sample = GoogleQuoteSample.load();
  }

  @Test
  void verifyQuote_googleSample_verifies() throws AttestationException {
    assertThat(sample.akPublic()).hasSize(312);
    assertThat(sample.quote()).hasSize(101);
    assertThat(sample.nonce()).isEmpty();
    assertThatCode(sample::verify).doesNotThrowAnyException();
  }

  @Test
  void quote_selectsSha1Pcrs0To23_inOrder() throws AttestationException {
    TpmQuoteInfo info = TpmQuoteInfo.parse(sample.quote());
    assertThat(info.selected()).hasSize(24);
    assertThat(info.selected().getFirst()).isEqualTo(new PcrId(TpmHash.SHA1, 0));
    assertThat(info.selected().getLast()).isEqualTo(new PcrId(TpmHash.SHA1, 23));
    assertThat(info.extraData()).isEmpty();
  }

  @Test
  void verifyQuote_otherExtraData_nonceMismatch() {
    assertFails(
        AttestationFailure.ATTESTATION_NONCE_MISMATCH,
        () -> verify(sample.akPublic(), sample.quote(), sample.signature(), pcrs(), new byte[1]));
    assertFails(
        AttestationFailure.ATTESTATION_NONCE_MISMATCH,
        () -> verify(sample.akPublic(), sample.quote(), sample.signature(), pcrs(), new byte[32]));
  }

  @Test
  void akPublic_mutatedRegions_refusedWithTheirCodes() {
    assertAk(b -> b[1] = 0x08, AttestationFailure.ATTESTATION_MALFORMED); // type KEYEDHASH
    assertAk(b -> b[3] = 0x12, AttestationFailure.ATTESTATION_MALFORMED); // nameAlg SM3
    assertAk(b -> b[AK_ATTRIBUTES_BITS_23_16] ^= 0x01, AttestationFailure.ATTESTATION_KEY_UNBOUND);
    assertAk(b -> b[AK_ATTRIBUTES_BITS_23_16] ^= 0x04, AttestationFailure.ATTESTATION_KEY_UNBOUND);
    assertAk(b -> b[AK_ATTRIBUTES_BITS_7_0] ^= 0x02, AttestationFailure.ATTESTATION_KEY_UNBOUND);
    assertAk(b -> b[AK_ATTRIBUTES_BITS_7_0] ^= 0x10, AttestationFailure.ATTESTATION_KEY_UNBOUND);
    assertAk(b -> b[AK_ATTRIBUTES_BITS_7_0] ^= 0x20, AttestationFailure.ATTESTATION_KEY_UNBOUND);
    assertAk(b -> b[AK_SCHEME_HASH + 1] = 0x0B, AttestationFailure.ATTESTATION_BAD_SIGNATURE);
    assertAk(b -> b[b.length - 1] ^= 0x01, AttestationFailure.ATTESTATION_BAD_SIGNATURE);
    assertAk(b -> b[56] ^= (byte) 0x80, AttestationFailure.ATTESTATION_MALFORMED); // < 2048 bits
  }

  @Test
  void quote_mutatedRegions_refusedWithTheirCodes() {
    assertQuote(b -> b[0] ^= 0x01, AttestationFailure.ATTESTATION_MALFORMED); // magic
    assertQuote(b -> b[QUOTE_TYPE + 1] = 0x17, AttestationFailure.ATTESTATION_MALFORMED); // certify
    assertQuote(b -> b[QUOTE_SAFE] = 2, AttestationFailure.ATTESTATION_MALFORMED);
    assertQuote(b -> b[QUOTE_CLOCK] ^= 0x01, AttestationFailure.ATTESTATION_BAD_SIGNATURE);
    assertQuote(b -> b[QUOTE_PCR_SELECT] ^= 0x01, AttestationFailure.ATTESTATION_BAD_SIGNATURE);
    assertQuote(b -> b[QUOTE_PCR_DIGEST] ^= 0x01, AttestationFailure.ATTESTATION_BAD_SIGNATURE);
    assertQuote(b -> b[10] ^= 0x01, AttestationFailure.ATTESTATION_BAD_SIGNATURE); // signer name
  }

  @Test
  void signature_mutatedRegions_refusedWithTheirCodes() {
    assertSig(b -> b[1] = 0x05, AttestationFailure.ATTESTATION_MALFORMED); // HMAC
    assertSig(
        b -> b[1] = 0x16, AttestationFailure.ATTESTATION_BAD_SIGNATURE); // RSAPSS: not the key's
    assertSig(
        b -> b[1] = 0x18, AttestationFailure.ATTESTATION_MALFORMED); // ECDSA body does not parse
    assertSig(b -> b[SIG_HASH + 1] = 0x0B, AttestationFailure.ATTESTATION_BAD_SIGNATURE);
    assertSig(b -> b[SIG_HASH + 1] = 0x12, AttestationFailure.ATTESTATION_MALFORMED);
    assertSig(b -> b[SIG_SIZE + 1] = 0x01, AttestationFailure.ATTESTATION_MALFORMED); // 257 > left
    assertSig(b -> b[100] ^= 0x01, AttestationFailure.ATTESTATION_BAD_SIGNATURE);
  }

  @Test
  void pcrs_changedMissingOrExtra_pcrMismatch() throws AttestationException {
    Map<PcrId, byte[]> changed = new HashMap<>(sample.pcrs());
    byte[] v = changed.get(new PcrId(TpmHash.SHA1, 0)).clone();
    v[0] ^= 1;
    changed.put(new PcrId(TpmHash.SHA1, 0), v);
    assertPcrs(changed);

    Map<PcrId, byte[]> missing = new HashMap<>(sample.pcrs());
    missing.remove(new PcrId(TpmHash.SHA1, 23));
    assertPcrs(missing);

    Map<PcrId, byte[]> extra = new HashMap<>(sample.pcrs());
    extra.put(new PcrId(TpmHash.SHA256, 0), new byte[32]);
    assertPcrs(extra);
  }

  @Test
  void pcrValues_wrongDigestSize_malformed() {
    Map<PcrId, byte[]> wrong = new HashMap<>(sample.pcrs());
    wrong.put(new PcrId(TpmHash.SHA1, 0), new byte[32]);
    assertFails(AttestationFailure.ATTESTATION_MALFORMED, () -> PcrValues.of(wrong));
  }

  @Test
  void everyTruncation_malformed() {
    for (int len = 0; len < sample.akPublic().length; len++) {
      byte[] ak = Arrays.copyOf(sample.akPublic(), len);
      assertFails(AttestationFailure.ATTESTATION_MALFORMED, () -> verifyWith(ak, null, null));
    }
    for (int len = 0; len < sample.quote().length; len++) {
      byte[] q = Arrays.copyOf(sample.quote(), len);
      assertFails(AttestationFailure.ATTESTATION_MALFORMED, () -> verifyWith(null, q, null));
    }
    for (int len = 0; len < sample.signature().length; len++) {
      byte[] s = Arrays.copyOf(sample.signature(), len);
      assertFails(AttestationFailure.ATTESTATION_MALFORMED, () -> verifyWith(null, null, s));
    }
  }

  @Test
  void trailingByte_malformed_andTooLarge_oversize() {
    byte[] ak = Arrays.copyOf(sample.akPublic(), sample.akPublic().length + 1);
    byte[] q = Arrays.copyOf(sample.quote(), sample.quote().length + 1);
    byte[] s = Arrays.copyOf(sample.signature(), sample.signature().length + 1);
    assertFails(AttestationFailure.ATTESTATION_MALFORMED, () -> verifyWith(ak, null, null));
    assertFails(AttestationFailure.ATTESTATION_MALFORMED, () -> verifyWith(null, q, null));
    assertFails(AttestationFailure.ATTESTATION_MALFORMED, () -> verifyWith(null, null, s));
    byte[] bigAk = Arrays.copyOf(sample.akPublic(), TpmLimits.MAX_PUBLIC_BYTES + 1);
    byte[] bigQ = Arrays.copyOf(sample.quote(), TpmLimits.MAX_ATTEST_BYTES + 1);
    byte[] bigS = Arrays.copyOf(sample.signature(), TpmLimits.MAX_SIGNATURE_BYTES + 1);
    assertFails(AttestationFailure.ATTESTATION_OVERSIZE, () -> verifyWith(bigAk, null, null));
    assertFails(AttestationFailure.ATTESTATION_OVERSIZE, () -> verifyWith(null, bigQ, null));
    assertFails(AttestationFailure.ATTESTATION_OVERSIZE, () -> verifyWith(null, null, bigS));
  }

  @Test
  void structuresSwapped_malformed() {
    assertFails(
        AttestationFailure.ATTESTATION_MALFORMED,
        () -> verifyWith(sample.quote(), sample.akPublic(), null));
    assertFails(
        AttestationFailure.ATTESTATION_MALFORMED,
        () -> verifyWith(null, sample.signature(), sample.quote()));
  }

  /**
   * 2,000 random mutations (fixed seed): only AttestationException escapes; any change to the
   * signed quote or to the signature is refused.
   */
  @Test
  void randomMutations_onlyAttestationExceptions_andSignedBytesNeverPass() throws Exception {
    Random random = new Random(20261123L);
    Set<AttestationFailure> seen = EnumSet.noneOf(AttestationFailure.class);
    for (int i = 0; i < 2_000; i++) {
      int target = random.nextInt(3);
      byte[] ak = sample.akPublic().clone();
      byte[] q = sample.quote().clone();
      byte[] s = sample.signature().clone();
      byte[][] all = {ak, q, s};
      all[target] = mutate(all[target], random);
      try {
        verify(all[0], all[1], all[2], pcrs(), sample.nonce());
        if (target != 0
            && !Arrays.equals(all[target], target == 1 ? sample.quote() : sample.signature())) {
          fail("mutation " + i + " of the signed quote or signature was accepted");
        }
      } catch (AttestationException e) {
        seen.add(e.failure());
      } catch (RuntimeException e) {
        throw new AssertionError("mutation " + i + " escaped as " + e, e);
      }
    }
    assertThat(seen)
        .contains(
            AttestationFailure.ATTESTATION_MALFORMED, AttestationFailure.ATTESTATION_BAD_SIGNATURE);
  }

  static byte[] mutate(byte[] b, Random random) {
    int kind = b.length == 0 ? 3 : random.nextInt(5);
    return switch (kind) {
      case 0 -> {
        b[random.nextInt(b.length)] ^= (byte) (1 << random.nextInt(8));
        yield b;
      }
      case 1 -> {
        b[random.nextInt(b.length)] = (byte) random.nextInt(256);
        yield b;
      }
      case 2 -> Arrays.copyOf(b, random.nextInt(b.length));
      case 3 -> {
        byte[] longer = Arrays.copyOf(b, b.length + 1 + random.nextInt(4));
        longer[longer.length - 1] = (byte) random.nextInt(256);
        yield longer;
      }
      default -> {
        int at = random.nextInt(b.length);
        b[at] = 0;
        if (at + 1 < b.length) {
          b[at + 1] = (byte) 0xff;
        }
        yield b;
      }
    };
  }

  private static PcrValues pcrs() throws AttestationException {
    return sample.pcrValues();
  }

  private static void verify(byte[] ak, byte[] q, byte[] s, PcrValues pcrs, byte[] nonce)
      throws AttestationException {
    TpmQuoteVerifier.verifyQuote(ak, q, s, pcrs, nonce);
  }

  private static void verifyWith(byte[] ak, byte[] q, byte[] s) throws AttestationException {
    verify(
        ak == null ? sample.akPublic() : ak,
        q == null ? sample.quote() : q,
        s == null ? sample.signature() : s,
        pcrs(),
        sample.nonce());
  }

  private static void assertAk(Consumer<byte[]> change, AttestationFailure expected) {
    byte[] ak = sample.akPublic().clone();
    change.accept(ak);
    assertFails(expected, () -> verifyWith(ak, null, null));
  }

  private static void assertQuote(Consumer<byte[]> change, AttestationFailure expected) {
    byte[] q = sample.quote().clone();
    change.accept(q);
    assertFails(expected, () -> verifyWith(null, q, null));
  }

  private static void assertSig(Consumer<byte[]> change, AttestationFailure expected) {
    byte[] s = sample.signature().clone();
    change.accept(s);
    assertFails(expected, () -> verifyWith(null, null, s));
  }

  private static void assertPcrs(Map<PcrId, byte[]> values) throws AttestationException {
    PcrValues reported = PcrValues.of(values);
    assertFails(
        AttestationFailure.PCR_MISMATCH,
        () ->
            verify(
                sample.akPublic(), sample.quote(), sample.signature(), reported, sample.nonce()));
  }
}
