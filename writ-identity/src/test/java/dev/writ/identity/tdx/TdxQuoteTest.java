package dev.writ.identity.tdx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.writ.identity.AttestationException;
import dev.writ.identity.AttestationFailure;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class TdxQuoteTest {
  private static final HexFormat HEX = HexFormat.of();

  @Test
  void parse_v4Sample_readsHeaderBodyAndCertificationData() throws AttestationException {
    TdxQuote q = TdxQuote.parse(TdxVectors.quoteV4());

    assertThat(q.version()).isEqualTo(4);
    assertThat(q.signedData()).hasSize(48 + 584);
    assertThat(HEX.formatHex(q.body().teeTcbSvn())).isEqualTo("03000400000000000000000000000000");
    assertThat(HEX.formatHex(q.body().mrSeam())).startsWith("2fd279c16164a93dd5bf373d834328d4");
    assertThat(HEX.formatHex(q.body().tdAttributes())).isEqualTo("0000004000000000");
    assertThat(HEX.formatHex(q.body().xfam())).isEqualTo("e71a060000000000");
    assertThat(HEX.formatHex(q.body().mrTd())).startsWith("6363b8043668a3ad953278e10389574d");
    assertThat(q.body().rtmrs()).hasSize(4);
    assertThat(q.body().reportData()).hasSize(64);
    assertThat(q.body().teeTcbSvn2()).isEmpty();
    assertThat(q.body().debug()).isFalse();
    assertThat(q.qeReport().isvProdId()).isEqualTo(2);
    assertThat(q.qeReport().isvSvn()).isEqualTo(4);
    assertThat(q.qeAuthData()).hasSize(32);
    assertThat(q.pckChain()).hasSize(3);
    assertThat(q.pckChain().get(0).getSubjectX500Principal().getName())
        .contains("Intel SGX PCK Certificate");
  }

  @Test
  void parse_v5Sample_readsTdx15Body() throws AttestationException {
    TdxQuote q = TdxQuote.parse(TdxVectors.quoteV5());

    assertThat(q.version()).isEqualTo(5);
    assertThat(q.signedData()).hasSize(48 + 6 + 648);
    assertThat(q.body().teeTcbSvn2()).hasSize(16);
    assertThat(q.body().mrServiceTd()).hasSize(48);
    assertThat(q.pckChain()).hasSize(3);
  }

  @Test
  void parse_bytesAfterTheQuote_areIgnored() throws AttestationException {
    byte[] exact = Arrays.copyOf(TdxVectors.quoteV4(), TdxVectors.V4_QUOTE_END);
    byte[] padded = Arrays.copyOf(exact, TdxLimits.MAX_QUOTE_BYTES);

    assertThat(TdxQuote.parse(padded).signedData()).isEqualTo(TdxQuote.parse(exact).signedData());
  }

  @Test
  void parse_everyTruncation_isMalformed() {
    byte[] quote = TdxVectors.quoteV4();
    for (int len = 0; len < TdxVectors.V4_QUOTE_END; len++) {
      byte[] prefix = Arrays.copyOf(quote, len);
      assertThatThrownBy(() -> TdxQuote.parse(prefix))
          .as("prefix of %d bytes", len)
          .isInstanceOf(AttestationException.class)
          .extracting(e -> ((AttestationException) e).failure())
          .isEqualTo(AttestationFailure.ATTESTATION_MALFORMED);
    }
  }

  @Test
  void parse_aboveLimit_isOversize() {
    byte[] big = Arrays.copyOf(TdxVectors.quoteV4(), TdxLimits.MAX_QUOTE_BYTES + 1);

    assertFailure(big, AttestationFailure.ATTESTATION_OVERSIZE);
  }

  @Test
  void parse_unsupportedVersion_isMalformed() {
    for (int version : new int[] {0, 3, 6, 0xffff}) {
      byte[] q = TdxVectors.quoteV4();
      q[0] = (byte) version;
      q[1] = (byte) (version >> 8);
      assertFailure(q, AttestationFailure.ATTESTATION_MALFORMED);
    }
  }

  @Test
  void parse_attestationKeyTypeNotEcdsaP256_isMalformed() {
    byte[] q = TdxVectors.quoteV4();
    q[2] = 3; // ECDSA-384

    assertFailure(q, AttestationFailure.ATTESTATION_MALFORMED);
  }

  @Test
  void parse_teeTypeSgx_isMalformed() {
    byte[] q = TdxVectors.quoteV4();
    q[4] = 0x00; // SGX

    assertFailure(q, AttestationFailure.ATTESTATION_MALFORMED);
  }

  @Test
  void parse_v5BodyTypeSgx_isMalformed() {
    byte[] q = TdxVectors.quoteV5();
    q[48] = 1; // SGX enclave report body

    assertFailure(q, AttestationFailure.ATTESTATION_MALFORMED);
  }

  @Test
  void parse_v5BodySizeNotThatOfItsType_isMalformed() {
    byte[] q = TdxVectors.quoteV5();
    q[48] = 2; // TDX 1.0 body type, but the size says 648

    assertFailure(q, AttestationFailure.ATTESTATION_MALFORMED);
  }

  @Test
  void parse_signatureDataLengthBeyondTheBytes_isMalformed() {
    byte[] q = TdxVectors.quoteV4();
    Arrays.fill(q, TdxVectors.V4_SIG_DATA, TdxVectors.V4_SIG_DATA + 4, (byte) 0xff);

    assertFailure(q, AttestationFailure.ATTESTATION_MALFORMED);
  }

  @Test
  void parse_signatureDataLongerThanItsContents_isMalformed() {
    byte[] q = TdxVectors.quoteV4();
    q[TdxVectors.V4_SIG_DATA] = (byte) (q[TdxVectors.V4_SIG_DATA] + 1); // one unexplained byte

    assertFailure(q, AttestationFailure.ATTESTATION_MALFORMED);
  }

  @Test
  void parse_certificationDataNotQeReport_isMalformed() {
    byte[] q = TdxVectors.quoteV4();
    q[TdxVectors.V4_SIG_DATA + 4 + 128] = 5; // PCK chain directly, no QE report

    assertFailure(q, AttestationFailure.ATTESTATION_MALFORMED);
  }

  @Test
  void parse_nestedCertificationDataNotPckChain_isMalformed() {
    byte[] q = TdxVectors.quoteV4();
    int inner = TdxVectors.V4_SIG_DATA + 4 + 128 + 6 + 384 + 64 + 2 + 32;
    assertThat(q[inner]).isEqualTo((byte) 5);
    q[inner] = 3; // a PCK certificate in encrypted form

    assertFailure(q, AttestationFailure.ATTESTATION_MALFORMED);
  }

  @Test
  void parse_attestationKeyNotOnCurve_isMalformed() {
    byte[] q = TdxVectors.flipped(TdxVectors.quoteV4(), TdxVectors.V4_SIG_DATA + 4 + 64 + 63);

    assertFailure(q, AttestationFailure.ATTESTATION_MALFORMED);
  }

  @Test
  void parse_textOutsidePemBlocks_isMalformed() {
    SyntheticTdx s = new SyntheticTdx();
    s.pemSuffix = "\nnot padding\n";

    assertFailure(s.build(), AttestationFailure.ATTESTATION_MALFORMED);
  }

  @Test
  void parse_chainLongerThanLimit_isMalformed() {
    SyntheticTdx s = new SyntheticTdx();
    s.chain = s.longChain(TdxLimits.MAX_PCK_CERTS + 1);

    assertFailure(s.build(), AttestationFailure.ATTESTATION_MALFORMED);
  }

  @Test
  void parse_noCertificate_isMalformed() {
    SyntheticTdx s = new SyntheticTdx();
    s.chain = java.util.List.of();

    assertFailure(s.build(), AttestationFailure.ATTESTATION_MALFORMED);
  }

  @Test
  void parse_pemBlockNotBase64_isMalformed() {
    SyntheticTdx s = new SyntheticTdx();
    s.pemSuffix = "-----BEGIN CERTIFICATE-----\n*not base64*\n-----END CERTIFICATE-----\n";

    assertFailure(s.build(), AttestationFailure.ATTESTATION_MALFORMED);
  }

  @Test
  void parse_pemBlockWithoutEnd_isMalformed() {
    SyntheticTdx s = new SyntheticTdx();
    s.pemSuffix = "-----BEGIN CERTIFICATE-----\nAAAA\n";

    assertFailure(s.build(), AttestationFailure.ATTESTATION_MALFORMED);
  }

  @Test
  void parse_pemBlockNotACertificate_isMalformed() {
    SyntheticTdx s = new SyntheticTdx();
    s.pemSuffix = "-----BEGIN CERTIFICATE-----\nMAMCAQE=\n-----END CERTIFICATE-----\n";

    assertFailure(s.build(), AttestationFailure.ATTESTATION_MALFORMED);
  }

  private static void assertFailure(byte[] quote, AttestationFailure failure) {
    assertThatThrownBy(() -> TdxQuote.parse(quote))
        .isInstanceOf(AttestationException.class)
        .extracting(e -> ((AttestationException) e).failure())
        .isEqualTo(failure);
  }
}
