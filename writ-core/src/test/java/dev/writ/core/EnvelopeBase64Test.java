package dev.writ.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** Writ's envelope accepts exactly one base64 spelling of any byte string. */
class EnvelopeBase64Test {
  private static final String SIG = "{\"keyid\":\"" + "a".repeat(64) + "\",\"sig\":\"AAAA\"}";

  private static byte[] envelope(String payloadB64) {
    return ("{\"payload\":\""
            + payloadB64
            + "\",\"payloadType\":\"application/vnd.writ.v1+json\",\"signatures\":["
            + SIG
            + "]}")
        .getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void parse_canonicalBase64OfEveryLength_accepted() throws Exception {
    for (int n = 0; n < 8; n++) {
      byte[] payload = new byte[n];
      for (int i = 0; i < n; i++) {
        payload[i] = (byte) (0xf0 + i);
      }
      Envelope e = Envelope.parse(envelope(Base64.getEncoder().encodeToString(payload)));
      assertThat(e.payload()).isEqualTo(payload);
    }
  }

  @Test
  void parse_nonZeroUnusedBitsBeforeDoublePadding_deniesWithMalformed() {
    // "QQ==" is "A"; "QR==" decodes to the same byte with non-zero unused bits
    assertThatThrownBy(() -> Envelope.parse(envelope("QR==")))
        .isInstanceOfSatisfying(
            WritDeniedException.class, e -> assertThat(e.reason()).isEqualTo(Reason.MALFORMED));
  }

  @Test
  void parse_nonZeroUnusedBitsBeforeSinglePadding_deniesWithMalformed() {
    // "QUI=" is "AB"; "QUJ=" decodes to the same bytes with non-zero unused bits
    assertThatThrownBy(() -> Envelope.parse(envelope("QUJ=")))
        .isInstanceOfSatisfying(
            WritDeniedException.class, e -> assertThat(e.reason()).isEqualTo(Reason.MALFORMED));
  }

  @Test
  void parse_missingPadding_deniesWithMalformed() {
    assertThatThrownBy(() -> Envelope.parse(envelope("QUI")))
        .isInstanceOfSatisfying(
            WritDeniedException.class, e -> assertThat(e.reason()).isEqualTo(Reason.MALFORMED));
  }

  @Test
  void parse_urlSafeAlphabet_deniesWithMalformed() {
    assertThatThrownBy(() -> Envelope.parse(envelope("-_-_")))
        .isInstanceOfSatisfying(
            WritDeniedException.class, e -> assertThat(e.reason()).isEqualTo(Reason.MALFORMED));
  }
}
