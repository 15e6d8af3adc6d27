package dev.writ.identity.tdx;

import static dev.writ.identity.tdx.TdxVectors.V4_MRTD;
import static dev.writ.identity.tdx.TdxVectors.V4_NOW;
import static dev.writ.identity.tdx.TdxVectors.V4_REPORT_DATA;
import static dev.writ.identity.tdx.TdxVectors.V4_SIG_DATA;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.writ.identity.AttestationException;
import dev.writ.identity.AttestationFailure;
import dev.writ.identity.Authority;
import dev.writ.identity.Fingerprint;
import dev.writ.identity.QuoteKind;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The verifier on the third-party samples (go-tdx-guest's testdata) and byte flips of them. */
class TdxQuoteVerifierVectorTest {
  private static final HexFormat HEX = HexFormat.of();

  /** Offsets in the v4 sample's signature data. */
  private static final int V4_QUOTE_SIGNATURE = V4_SIG_DATA + 4;

  private static final int V4_QE_REPORT = V4_QUOTE_SIGNATURE + 64 + 64 + 6;
  private static final int V4_QE_REPORT_SIGNATURE = V4_QE_REPORT + 384;
  private static final int V4_QE_AUTH_DATA = V4_QE_REPORT_SIGNATURE + 64 + 2;

  private static byte[] v4ReportData() {
    return TdxVectors.slice(TdxVectors.quoteV4(), V4_REPORT_DATA, 64);
  }

  private static VerifiedTdxQuote verifyV4(byte[] quote) throws AttestationException {
    return TdxQuoteVerifier.verify(quote, v4ReportData(), TdxVectors.intelPolicy(), V4_NOW);
  }

  @Test
  void verify_v4Sample_verifiesToIntelRoot() throws AttestationException {
    byte[] quote = TdxVectors.quoteV4();

    VerifiedTdxQuote v = verifyV4(quote);

    assertThat(v.authority()).isEqualTo(TdxVectors.intelAuthority());
    assertThat(v.quoteVersion()).isEqualTo(4);
    assertThat(v.debug()).isFalse();
    assertThat(v.mrTd()).isEqualTo(HEX.formatHex(TdxVectors.slice(quote, V4_MRTD, 48)));
    assertThat(v.mrSeam()).isEqualTo(HEX.formatHex(TdxVectors.slice(quote, 48 + 16, 48)));
    assertThat(v.teeTcbSvn()).isEqualTo("03000400000000000000000000000000");
    assertThat(v.tdAttributes()).isEqualTo("0000004000000000");
    assertThat(v.rtmrs())
        .containsExactly(
            HEX.formatHex(TdxVectors.slice(quote, 48 + 328, 48)),
            HEX.formatHex(TdxVectors.slice(quote, 48 + 376, 48)),
            HEX.formatHex(TdxVectors.slice(quote, 48 + 424, 48)),
            HEX.formatHex(TdxVectors.slice(quote, 48 + 472, 48)));
  }

  @Test
  void verify_v5Sample_verifiesToIntelRoot() throws AttestationException {
    byte[] quote = TdxVectors.quoteV5();
    byte[] reportData = TdxVectors.slice(quote, TdxVectors.V5_REPORT_DATA, 64);

    VerifiedTdxQuote v =
        TdxQuoteVerifier.verify(quote, reportData, TdxVectors.intelPolicy(), TdxVectors.V5_NOW);

    assertThat(v.quoteVersion()).isEqualTo(5);
    assertThat(v.authority()).isEqualTo(TdxVectors.intelAuthority());
    assertThat(v.mrTd()).isEqualTo(HEX.formatHex(TdxVectors.slice(quote, 54 + 136, 48)));
  }

  @Test
  void verify_cosQuoteInItsBuffer_verifiesWithItsNonce() throws AttestationException {
    byte[] quote = TdxVectors.quoteCos(); // an 8000-byte buffer, zero padded after the quote

    VerifiedTdxQuote v =
        TdxQuoteVerifier.verify(
            quote, TdxVectors.cosNonce(), TdxVectors.intelPolicy(), TdxVectors.COS_NOW);

    assertThat(v.quoteVersion()).isEqualTo(4);
  }

  @Test
  void verify_v4WithSampleCrls_verifies() throws AttestationException {
    TdxPolicy policy =
        TdxVectors.intelPolicy().withCrls(List.of(TdxVectors.pckCrl(), TdxVectors.rootCrl()));

    assertThat(TdxQuoteVerifier.verify(TdxVectors.quoteV4(), v4ReportData(), policy, V4_NOW))
        .isNotNull();
  }

  @Test
  void verify_sampleCrlPastNextUpdate_isUntrusted() {
    TdxPolicy policy = TdxVectors.intelPolicy().withCrls(List.of(TdxVectors.pckCrl()));
    byte[] quote = TdxVectors.quoteV5();
    byte[] reportData = TdxVectors.slice(quote, TdxVectors.V5_REPORT_DATA, 64);

    assertFailure(
        () -> TdxQuoteVerifier.verify(quote, reportData, policy, TdxVectors.V5_NOW),
        AttestationFailure.ATTESTATION_UNTRUSTED);
  }

  @Test
  void verify_rootNotListed_isAuthorityNotListed() {
    Authority other = new SyntheticTdx().authority();

    assertFailure(
        () ->
            TdxQuoteVerifier.verify(
                TdxVectors.quoteV4(), v4ReportData(), TdxPolicy.of(List.of(other)), V4_NOW),
        AttestationFailure.ATTESTATION_AUTHORITY_NOT_LISTED);
  }

  @Test
  void verify_noAuthorities_isAuthorityNotListed() {
    assertFailure(
        () ->
            TdxQuoteVerifier.verify(
                TdxVectors.quoteV4(), v4ReportData(), TdxPolicy.of(List.of()), V4_NOW),
        AttestationFailure.ATTESTATION_AUTHORITY_NOT_LISTED);
  }

  @Test
  void verify_intelRootListedForAnotherKind_isAuthorityNotListed() {
    Authority snp = new Authority(QuoteKind.SEV_SNP, Fingerprint.of(TdxVectors.intelRoot()), false);

    assertFailure(
        () ->
            TdxQuoteVerifier.verify(
                TdxVectors.quoteV4(), v4ReportData(), TdxPolicy.of(List.of(snp)), V4_NOW),
        AttestationFailure.ATTESTATION_AUTHORITY_NOT_LISTED);
  }

  @Test
  void verify_afterPckCertificateExpiry_isUntrusted() {
    assertFailure(
        () ->
            TdxQuoteVerifier.verify(
                TdxVectors.quoteV4(),
                v4ReportData(),
                TdxVectors.intelPolicy(),
                Instant.parse("2029-09-21T00:00:00Z")),
        AttestationFailure.ATTESTATION_UNTRUSTED);
  }

  @Test
  void verify_expectedReportDataOneBitDifferent_isNonceMismatch() {
    byte[] expected = v4ReportData();
    expected[63] ^= 0x01;

    assertFailure(
        () ->
            TdxQuoteVerifier.verify(
                TdxVectors.quoteV4(), expected, TdxVectors.intelPolicy(), V4_NOW),
        AttestationFailure.ATTESTATION_NONCE_MISMATCH);
  }

  @Test
  void verify_expectedReportDataNot64Bytes_isACallerBug() {
    assertThatThrownBy(
            () ->
                TdxQuoteVerifier.verify(
                    TdxVectors.quoteV4(), new byte[32], TdxVectors.intelPolicy(), V4_NOW))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void verify_mrTdFlipped_isBadSignature() {
    assertFlipFails(V4_MRTD + 5, AttestationFailure.ATTESTATION_BAD_SIGNATURE);
  }

  @Test
  void verify_reportDataFlippedInQuote_isBadSignature() {
    assertFlipFails(V4_REPORT_DATA, AttestationFailure.ATTESTATION_BAD_SIGNATURE);
  }

  @Test
  void verify_headerFlipped_isBadSignature() {
    assertFlipFails(30, AttestationFailure.ATTESTATION_BAD_SIGNATURE); // header user data
  }

  @Test
  void verify_quoteSignatureFlipped_isBadSignature() {
    assertFlipFails(V4_QUOTE_SIGNATURE + 10, AttestationFailure.ATTESTATION_BAD_SIGNATURE);
  }

  @Test
  void verify_qeReportFlipped_isBadSignature() {
    assertFlipFails(V4_QE_REPORT + 70, AttestationFailure.ATTESTATION_BAD_SIGNATURE); // MRENCLAVE
  }

  @Test
  void verify_qeReportDataFlipped_isBadSignature() {
    assertFlipFails(V4_QE_REPORT + 320, AttestationFailure.ATTESTATION_BAD_SIGNATURE);
  }

  @Test
  void verify_qeReportSignatureFlipped_isBadSignature() {
    assertFlipFails(V4_QE_REPORT_SIGNATURE + 3, AttestationFailure.ATTESTATION_BAD_SIGNATURE);
  }

  @Test
  void verify_qeAuthDataFlipped_isUntrusted() {
    assertFlipFails(V4_QE_AUTH_DATA + 1, AttestationFailure.ATTESTATION_UNTRUSTED);
  }

  @Test
  void verify_pckLeafSerialFlipped_isUntrusted() throws Exception {
    byte[] quote = TdxVectors.quoteV4();
    X509Certificate leaf = TdxQuote.parse(quote).pckChain().getFirst();
    byte[] der = leaf.getEncoded();
    byte[] serial = leaf.getSerialNumber().toByteArray();
    int at = indexOf(der, serial);
    der[at + serial.length - 1] ^= 0x01;

    byte[] tampered = replacePemBlock(quote, 0, der);

    assertThat(TdxQuote.parse(tampered).pckChain().getFirst().getSerialNumber())
        .isNotEqualTo(leaf.getSerialNumber());
    assertFailure(() -> verifyV4(tampered), AttestationFailure.ATTESTATION_UNTRUSTED);
  }

  @Test
  void verify_rootInQuoteAltered_isAuthorityNotListed() throws Exception {
    byte[] quote = TdxVectors.quoteV4();
    X509Certificate root = TdxQuote.parse(quote).pckChain().get(2);
    byte[] der = root.getEncoded();
    der[der.length - 1] ^= 0x01; // last byte of its self-signature: parses, fingerprint differs

    byte[] tampered = replacePemBlock(quote, 2, der);

    assertFailure(() -> verifyV4(tampered), AttestationFailure.ATTESTATION_AUTHORITY_NOT_LISTED);
  }

  @Test
  void verify_mrTdAllowed_verifies() throws AttestationException {
    byte[] quote = TdxVectors.quoteV4();
    String mrTd = HEX.formatHex(TdxVectors.slice(quote, V4_MRTD, 48));
    TdxPolicy policy = TdxVectors.intelPolicy().withAllowedMrTds(Set.of(mrTd));

    assertThat(TdxQuoteVerifier.verify(quote, v4ReportData(), policy, V4_NOW).mrTd())
        .isEqualTo(mrTd);
  }

  @Test
  void verify_mrTdNotAllowed_isPolicy() {
    TdxPolicy policy = TdxVectors.intelPolicy().withAllowedMrTds(Set.of("ab".repeat(48)));

    assertFailure(
        () -> TdxQuoteVerifier.verify(TdxVectors.quoteV4(), v4ReportData(), policy, V4_NOW),
        AttestationFailure.ATTESTATION_POLICY);
  }

  private static void assertFlipFails(int offset, AttestationFailure failure) {
    byte[] quote = TdxVectors.flipped(TdxVectors.quoteV4(), offset);
    assertFailure(() -> verifyV4(quote), failure);
  }

  static void assertFailure(
      org.assertj.core.api.ThrowableAssert.ThrowingCallable call, AttestationFailure failure) {
    assertThatThrownBy(call)
        .isInstanceOf(AttestationException.class)
        .extracting(e -> ((AttestationException) e).failure())
        .isEqualTo(failure);
  }

  /** Replaces PEM block {@code index}'s base64 characters in place (the DER keeps its length). */
  private static byte[] replacePemBlock(byte[] quote, int index, byte[] der) {
    String text = new String(quote, StandardCharsets.ISO_8859_1);
    int begin = -1;
    for (int i = 0; i <= index; i++) {
      begin = text.indexOf("-----BEGIN CERTIFICATE-----", begin + 1);
    }
    int start = begin + "-----BEGIN CERTIFICATE-----".length();
    int end = text.indexOf("-----END CERTIFICATE-----", start);
    String encoded = Base64.getEncoder().encodeToString(der);
    byte[] out = quote.clone();
    int k = 0;
    for (int i = start; i < end; i++) {
      if (out[i] != '\n' && out[i] != '\r') {
        out[i] = (byte) encoded.charAt(k++);
      }
    }
    assertThat(k).isEqualTo(encoded.length());
    return out;
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    throw new AssertionError("not found");
  }
}
