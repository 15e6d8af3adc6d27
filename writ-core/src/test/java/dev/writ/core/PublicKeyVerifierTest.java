package dev.writ.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** The strict SPKI decoder: one key, one encoding, one key id; anything else is MALFORMED. */
class PublicKeyVerifierTest {
  private static final byte[] MSG = "message".getBytes(StandardCharsets.UTF_8);

  private static void assertMalformed(SignatureAlgorithm alg, byte[] spki) {
    assertThatThrownBy(() -> PublicKeyVerifier.decode(alg, spki))
        .isInstanceOfSatisfying(
            WritDeniedException.class, e -> assertThat(e.reason()).isEqualTo(Reason.MALFORMED));
  }

  @Test
  void decode_eachTestKey_verifiesItsOwnSignatureOnly() throws Exception {
    for (TestKey k : new TestKey[] {TestFleet.ALICE, TestFleet.CAROL, TestFleet.ALICE_PQ}) {
      PublicKeyVerifier v = PublicKeyVerifier.decode(k.algorithm(), k.spki());
      assertThat(v.algorithm()).isEqualTo(k.algorithm());
      assertThat(v.keyId()).isEqualTo(k.id());
      assertThat(v.spki()).isEqualTo(k.spki());
      byte[] sig = k.sign(MSG);
      assertThat(v.verify(MSG, sig)).as(k.name()).isTrue();
      assertThat(v.verify("other".getBytes(StandardCharsets.UTF_8), sig)).isFalse();
      assertThat(v.verify(MSG, Arrays.copyOf(sig, sig.length - 1))).isFalse();
      assertThat(v.verify(MSG, Arrays.copyOf(sig, sig.length + 1))).isFalse();
      assertThat(v.verify(MSG, new byte[0])).isFalse();
    }
  }

  @Test
  void decode_p256PointOffTheCurve_refused() {
    byte[] spki = TestFleet.CAROL.spki();
    byte[] off = spki.clone();
    off[off.length - 1] ^= 0x01; // Y changes by one: no longer on the curve
    assertMalformed(SignatureAlgorithm.ECDSA_P256_SHA256, off);
  }

  @Test
  void decode_p256CompressedPoint_refused() throws Exception {
    org.bouncycastle.asn1.x509.SubjectPublicKeyInfo info =
        org.bouncycastle.asn1.x509.SubjectPublicKeyInfo.getInstance(TestFleet.CAROL.spki());
    byte[] point = info.getPublicKeyData().getOctets();
    byte[] compressed =
        org.bouncycastle.crypto.ec.CustomNamedCurves.getByName("secp256r1")
            .getCurve()
            .decodePoint(point)
            .getEncoded(true);
    byte[] spki =
        new org.bouncycastle.asn1.x509.SubjectPublicKeyInfo(info.getAlgorithm(), compressed)
            .getEncoded("DER");
    assertMalformed(SignatureAlgorithm.ECDSA_P256_SHA256, spki);
  }

  @Test
  void decode_keyOfOtherAlgorithm_refused() {
    assertMalformed(SignatureAlgorithm.ECDSA_P256_SHA256, TestFleet.ALICE.spki());
    assertMalformed(SignatureAlgorithm.ML_DSA_65, TestFleet.CAROL.spki());
    assertMalformed(SignatureAlgorithm.ED25519, TestFleet.ALICE_PQ.spki());
  }

  @Test
  void decode_trailingByteAfterDer_refused() {
    byte[] spki = TestFleet.ALICE.spki();
    assertMalformed(SignatureAlgorithm.ED25519, Arrays.copyOf(spki, spki.length + 1));
  }

  @Test
  void decode_truncatedOrEmpty_refused() {
    byte[] spki = TestFleet.ALICE.spki();
    assertMalformed(SignatureAlgorithm.ED25519, Arrays.copyOf(spki, spki.length - 1));
    assertMalformed(SignatureAlgorithm.ED25519, new byte[0]);
    assertMalformed(SignatureAlgorithm.ECDSA_P256_SHA256, new byte[] {0x30, 0x00});
  }

  @Test
  void decode_ed25519BitStringWithUnusedBits_refused() {
    // 30 2a | 30 05 06 03 2b6570 | 03 21 <unused bits> <32 bytes>: unused bits must be 0
    byte[] spki = TestFleet.ALICE.spki();
    assertThat(spki[11]).isZero();
    spki[11] = 1;
    assertMalformed(SignatureAlgorithm.ED25519, spki);
  }

  @Test
  void decode_ed25519WithAlgorithmParameters_refused() {
    // AlgorithmIdentifier with an explicit NULL parameter: RFC 8410 says parameters are absent
    byte[] raw = Arrays.copyOfRange(TestFleet.ALICE.spki(), 12, 44);
    byte[] spki =
        HexFormat.of().parseHex("302c300706032b65700500032100" + HexFormat.of().formatHex(raw));
    assertMalformed(SignatureAlgorithm.ED25519, spki);
  }

  @Test
  void decode_ecdsaCompressedPoint_refused() {
    // the same P-256 key as CAROL, its point written compressed: a second encoding of one key
    byte[] spki = TestFleet.CAROL.spki();
    int point = spki.length - 65;
    assertThat(spki[point]).isEqualTo((byte) 0x04);
    byte[] x = Arrays.copyOfRange(spki, point + 1, point + 33);
    boolean yOdd = (spki[spki.length - 1] & 1) == 1;
    String prefix = HexFormat.of().formatHex(spki, 0, point - 3);
    // SEQUENCE length and BIT STRING length shrink by 32
    String header = "3039" + prefix.substring(4) + "032200" + (yOdd ? "03" : "02");
    byte[] compressed = HexFormat.of().parseHex(header + HexFormat.of().formatHex(x));
    assertMalformed(SignatureAlgorithm.ECDSA_P256_SHA256, compressed);
  }

  @Test
  void decode_mlDsaKeyOneByteShort_refusedAtDecodeNotAtVerify() {
    // Wycheproof tcId 69: the JDK KeyFactory accepts it, the Signature does not
    byte[] spki = TestFleet.ALICE_PQ.spki();
    byte[] raw = Arrays.copyOfRange(spki, spki.length - 1952, spki.length - 1);
    String body =
        "300b0609608648016503040312" + "0382" + String.format("%04x", raw.length + 1) + "00";
    String seq = "3082" + String.format("%04x", body.length() / 2 + raw.length) + body;
    byte[] shortKey = HexFormat.of().parseHex(seq + HexFormat.of().formatHex(raw));
    assertMalformed(SignatureAlgorithm.ML_DSA_65, shortKey);
  }

  @Test
  void decode_notDer_refused() {
    assertMalformed(SignatureAlgorithm.ED25519, "not der".getBytes(StandardCharsets.UTF_8));
    assertMalformed(SignatureAlgorithm.ECDSA_P256_SHA256, new byte[] {(byte) 0xff});
    assertMalformed(SignatureAlgorithm.ML_DSA_65, new byte[] {0x30, (byte) 0x84, 1, 0, 0, 0});
  }
}
