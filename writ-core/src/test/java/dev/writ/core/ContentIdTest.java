package dev.writ.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ContentIdTest {
  private static final byte[] HELLO = "hello world".getBytes(StandardCharsets.UTF_8);

  /** CIDv1 of the empty input, raw codec, sha2-256 (a widely published value). */
  private static final String EMPTY_CID =
      "bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku";

  private static byte[] sha256(byte[] b) throws Exception {
    return MessageDigest.getInstance("SHA-256").digest(b);
  }

  /** RFC 4648 base32, lowercase, no padding: written here independently of ContentId's. */
  private static String base32(byte[] raw) {
    String alphabet = "abcdefghijklmnopqrstuvwxyz234567";
    StringBuilder sb = new StringBuilder();
    int buffer = 0;
    int bits = 0;
    for (byte b : raw) {
      buffer = (buffer << 8) | (b & 0xff);
      bits += 8;
      while (bits >= 5) {
        sb.append(alphabet.charAt((buffer >>> (bits - 5)) & 31));
        bits -= 5;
      }
    }
    if (bits > 0) {
      sb.append(alphabet.charAt((buffer << (5 - bits)) & 31));
    }
    return sb.toString();
  }

  /** {@code b} + base32 of version, codec, multihash code, digest length, digest. */
  private static String cid(int version, int codec, int hashCode, int hashLength, byte[] digest) {
    ByteArrayOutputStream raw = new ByteArrayOutputStream();
    raw.write(version);
    raw.write(codec);
    raw.write(hashCode);
    raw.write(hashLength);
    raw.writeBytes(digest);
    return "b" + base32(raw.toByteArray());
  }

  private static void assertMalformed(String s) {
    assertThatThrownBy(() -> ContentId.parse(s))
        .isInstanceOfSatisfying(
            WritDeniedException.class, e -> assertThat(e.reason()).isEqualTo(Reason.MALFORMED));
  }

  @Test
  void parse_sha256Form_roundTripsAndEqualsIdOfTheBytes() throws Exception {
    String text = "sha256:" + HexFormat.of().formatHex(sha256(HELLO));
    ContentId id = ContentId.parse(text);
    assertThat(id).isEqualTo(ContentId.of(HELLO)).hasSameHashCodeAs(ContentId.of(HELLO));
    assertThat(id.toString()).isEqualTo(text);
    assertThat(id.digest()).isEqualTo(sha256(HELLO));
  }

  @Test
  void parse_cidV1FormOfSameDigest_parsesEqualToSha256Form() throws Exception {
    byte[] digest = sha256(HELLO);
    String cid = cid(0x01, 0x55, 0x12, 0x20, digest);
    ContentId fromCid = ContentId.parse(cid);
    assertThat(fromCid).isEqualTo(ContentId.of(HELLO));
    assertThat(fromCid.toString()).isEqualTo("sha256:" + HexFormat.of().formatHex(digest));
    assertThat(ContentId.of(HELLO).toCid()).isEqualTo(cid);
  }

  @Test
  void parse_publishedCidOfEmptyInput_equalsIdOfEmptyBytes() throws Exception {
    assertThat(ContentId.parse(EMPTY_CID)).isEqualTo(ContentId.of(new byte[0]));
    assertThat(cid(0x01, 0x55, 0x12, 0x20, sha256(new byte[0]))).isEqualTo(EMPTY_CID);
  }

  @Test
  void parse_cidWithDagPbCodec_refused() throws Exception {
    assertMalformed(cid(0x01, 0x70, 0x12, 0x20, sha256(HELLO)));
  }

  @Test
  void parse_cidWithOtherMultihash_refused() throws Exception {
    // sha2-512 code with a 32-byte body, and the identity multihash
    assertMalformed(cid(0x01, 0x55, 0x13, 0x20, sha256(HELLO)));
    assertMalformed(cid(0x01, 0x55, 0x00, 0x20, sha256(HELLO)));
    assertMalformed(cid(0x01, 0x55, 0x12, 0x1f, sha256(HELLO)));
  }

  @Test
  void parse_cidVersionZeroByteOrBase58_refused() throws Exception {
    assertMalformed(cid(0x00, 0x55, 0x12, 0x20, sha256(HELLO)));
    assertMalformed("QmbFMke1KXqnYyBBWxB74N4c5SBnJMVAiMNRcGu6x1AwQH");
  }

  @Test
  void parse_cidWithNonCanonicalTrailingBits_refused() throws Exception {
    String cid = cid(0x01, 0x55, 0x12, 0x20, sha256(HELLO));
    // 36 bytes are 288 bits; 58 characters carry 290, so the last character has 2 spare bits
    char last = cid.charAt(cid.length() - 1);
    String alphabet = "abcdefghijklmnopqrstuvwxyz234567";
    char spare = alphabet.charAt(alphabet.indexOf(last) | 1);
    assertThat(spare).isNotEqualTo(last);
    assertMalformed(cid.substring(0, cid.length() - 1) + spare);
  }

  @Test
  void parse_uppercaseForms_refused() throws Exception {
    String hex = HexFormat.of().formatHex(sha256(HELLO));
    assertMalformed("sha256:" + hex.toUpperCase(Locale.ROOT));
    assertMalformed("SHA256:" + hex);
    String cid = cid(0x01, 0x55, 0x12, 0x20, sha256(HELLO));
    assertMalformed(cid.toUpperCase(Locale.ROOT));
    assertMalformed("B" + cid.substring(1).toUpperCase(Locale.ROOT));
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 62, 63, 65, 128})
  void parse_sha256FormOfWrongLength_refused(int hexDigits) {
    assertMalformed("sha256:" + "a".repeat(hexDigits));
  }

  @Test
  void parse_cidOfWrongLength_refused() throws Exception {
    String cid = cid(0x01, 0x55, 0x12, 0x20, sha256(HELLO));
    assertMalformed(cid.substring(0, cid.length() - 1));
    assertMalformed(cid + "a");
    assertMalformed("b");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "sha256:", "sha-256:ab", "md5:d41d8cd98f00b204e9800998ecf8427e"})
  void parse_otherSpellings_refused(String s) {
    assertMalformed(s);
  }

  @Test
  void ofDigest_wrongLength_refused() {
    assertThatThrownBy(() -> ContentId.ofDigest(new byte[31]))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void parseSha256_acceptsOnlyTheSha256Spelling() throws Exception {
    ContentId id = ContentId.of(HELLO);

    assertThat(ContentId.parseSha256(id.toString())).contains(id);
    assertThat(ContentId.parseSha256(id.toCid())).isEmpty();
    assertThat(ContentId.parseSha256(id.toString().toUpperCase(Locale.ROOT))).isEmpty();
    assertThat(ContentId.parseSha256("sha256:" + id.hex().toUpperCase(Locale.ROOT))).isEmpty();
    assertThat(ContentId.parseSha256(id.toString().substring(0, 70))).isEmpty();
    assertThat(ContentId.parseSha256(id + "0")).isEmpty();
    assertThat(ContentId.parseSha256(id.hex())).isEmpty();
    assertThat(ContentId.parseSha256(null)).isEmpty();
    assertThat(id.hex()).isEqualTo(id.toString().substring(7));
  }
}
