package dev.writ.identity.tpm;

import static dev.writ.identity.tpm.Refusals.assertFails;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.writ.identity.AttestationException;
import dev.writ.identity.AttestationFailure;
import java.io.ByteArrayOutputStream;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Signature schemes, hashes and key shapes no TPM at hand produces, checked with structures built
 * from JDK keys (SyntheticTpm).
 */
class SyntheticQuoteTest {
  private static final byte[] NONCE = new byte[32];
  private static KeyPair p256;
  private static KeyPair p384;
  private static KeyPair rsa;

  @BeforeAll
  static void keys() throws Exception {
    KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
    ec.initialize(new ECGenParameterSpec("secp256r1"));
    p256 = ec.generateKeyPair();
    ec.initialize(new ECGenParameterSpec("secp384r1"));
    p384 = ec.generateKeyPair();
    KeyPairGenerator r = KeyPairGenerator.getInstance("RSA");
    r.initialize(2048);
    rsa = r.generateKeyPair();
    Arrays.fill(NONCE, (byte) 7);
  }

  /** A quote over sha256 PCRs 0 and 1, with its digest made by {@code hash}. */
  @SuppressWarnings("ArrayRecordComponent") // test data, never mutated
  private record Quote(byte[] bytes, PcrValues pcrs) {}

  private static Quote quote(TpmHash hash) throws AttestationException {
    byte[] v0 = new byte[32];
    byte[] v1 = new byte[32];
    v1[0] = 1;
    ByteArrayOutputStream concat = new ByteArrayOutputStream();
    concat.writeBytes(v0);
    concat.writeBytes(v1);
    Map<PcrId, byte[]> values = new HashMap<>();
    values.put(new PcrId(TpmHash.SHA256, 0), v0);
    values.put(new PcrId(TpmHash.SHA256, 1), v1);
    byte[] q =
        SyntheticTpm.quote(NONCE, TpmHash.SHA256, List.of(0, 1), hash.digest(concat.toByteArray()));
    return new Quote(q, PcrValues.of(values));
  }

  private static byte[] sign(String alg, PrivateKey key, byte[] data) throws Exception {
    Signature s = Signature.getInstance(alg);
    s.initSign(key);
    s.update(data);
    return s.sign();
  }

  private static byte[] pss(TpmHash hash, int salt, byte[] data) throws Exception {
    Signature s = Signature.getInstance("RSASSA-PSS");
    s.setParameter(
        new PSSParameterSpec(
            hash.jcaName(), "MGF1", new MGF1ParameterSpec(hash.jcaName()), salt, 1));
    s.initSign(rsa.getPrivate());
    s.update(data);
    return s.sign();
  }

  private static byte[] ecdsa(KeyPair k, TpmHash hash, byte[] data, int n) throws Exception {
    byte[] rs =
        sign(hash.jcaName().replace("-", "") + "withECDSAinP1363Format", k.getPrivate(), data);
    return SyntheticTpm.ecdsaSignature(
        hash, Arrays.copyOfRange(rs, 0, n), Arrays.copyOfRange(rs, n, 2 * n));
  }

  @Test
  void ecdsa_p384WithSha384_verifies() throws Exception {
    byte[] ak =
        SyntheticTpm.eccPublic(
            (ECPublicKey) p384.getPublic(),
            0x0004,
            TpmPublic.TPM_ALG_ECDSA,
            TpmHash.SHA384,
            SyntheticTpm.AK_ATTRIBUTES);
    Quote q = quote(TpmHash.SHA384);
    byte[] sig = ecdsa(p384, TpmHash.SHA384, q.bytes(), 48);
    assertThatCode(() -> TpmQuoteVerifier.verifyQuote(ak, q.bytes(), sig, q.pcrs(), NONCE))
        .doesNotThrowAnyException();
  }

  @Test
  void ecdsa_keyWithoutScheme_acceptsAnySupportedHash() throws Exception {
    byte[] ak =
        SyntheticTpm.eccPublic(
            (ECPublicKey) p256.getPublic(),
            0x0003,
            TpmPublic.TPM_ALG_NULL,
            TpmHash.SHA256,
            SyntheticTpm.AK_ATTRIBUTES);
    for (TpmHash h : List.of(TpmHash.SHA1, TpmHash.SHA256, TpmHash.SHA384)) {
      Quote q = quote(h);
      byte[] sig = ecdsa(p256, h, q.bytes(), 32);
      assertThatCode(() -> TpmQuoteVerifier.verifyQuote(ak, q.bytes(), sig, q.pcrs(), NONCE))
          .as(h.bankName())
          .doesNotThrowAnyException();
    }
  }

  @Test
  void ecdsa_leadingZeroPaddedComponent_verifies_longerComponent_badSignature() throws Exception {
    byte[] ak =
        SyntheticTpm.eccPublic(
            (ECPublicKey) p256.getPublic(),
            0x0003,
            TpmPublic.TPM_ALG_ECDSA,
            TpmHash.SHA256,
            SyntheticTpm.AK_ATTRIBUTES);
    Quote q = quote(TpmHash.SHA256);
    byte[] rs = sign("SHA256withECDSAinP1363Format", p256.getPrivate(), q.bytes());
    byte[] r = Arrays.copyOfRange(rs, 0, 32);
    byte[] s = Arrays.copyOfRange(rs, 32, 64);
    byte[] padded = new byte[33];
    System.arraycopy(r, 0, padded, 1, 32);
    byte[] paddedSig = SyntheticTpm.ecdsaSignature(TpmHash.SHA256, padded, s);
    assertThatCode(() -> TpmQuoteVerifier.verifyQuote(ak, q.bytes(), paddedSig, q.pcrs(), NONCE))
        .doesNotThrowAnyException();
    padded[0] = 1;
    byte[] longSig = SyntheticTpm.ecdsaSignature(TpmHash.SHA256, padded, s);
    assertFails(
        AttestationFailure.ATTESTATION_BAD_SIGNATURE,
        () -> TpmQuoteVerifier.verifyQuote(ak, q.bytes(), longSig, q.pcrs(), NONCE));
    byte[] zeroSig = SyntheticTpm.ecdsaSignature(TpmHash.SHA256, new byte[0], new byte[0]);
    assertFails(
        AttestationFailure.ATTESTATION_BAD_SIGNATURE,
        () -> TpmQuoteVerifier.verifyQuote(ak, q.bytes(), zeroSig, q.pcrs(), NONCE));
  }

  @Test
  void rsassa_sha384_verifies() throws Exception {
    byte[] ak =
        SyntheticTpm.rsaPublic(
            (RSAPublicKey) rsa.getPublic(),
            TpmPublic.TPM_ALG_RSASSA,
            TpmHash.SHA384,
            SyntheticTpm.AK_ATTRIBUTES);
    Quote q = quote(TpmHash.SHA384);
    byte[] sig =
        SyntheticTpm.rsaSignature(
            TpmPublic.TPM_ALG_RSASSA,
            TpmHash.SHA384,
            sign("SHA384withRSA", rsa.getPrivate(), q.bytes()));
    assertThatCode(() -> TpmQuoteVerifier.verifyQuote(ak, q.bytes(), sig, q.pcrs(), NONCE))
        .doesNotThrowAnyException();
  }

  @Test
  void rsapss_digestOrMaximumSalt_verifies_otherSalt_badSignature() throws Exception {
    byte[] ak =
        SyntheticTpm.rsaPublic(
            (RSAPublicKey) rsa.getPublic(),
            TpmPublic.TPM_ALG_RSAPSS,
            TpmHash.SHA256,
            SyntheticTpm.AK_ATTRIBUTES);
    Quote q = quote(TpmHash.SHA256);
    for (int salt : new int[] {32, 256 - 32 - 2}) {
      byte[] sig =
          SyntheticTpm.rsaSignature(
              TpmPublic.TPM_ALG_RSAPSS, TpmHash.SHA256, pss(TpmHash.SHA256, salt, q.bytes()));
      assertThatCode(() -> TpmQuoteVerifier.verifyQuote(ak, q.bytes(), sig, q.pcrs(), NONCE))
          .as("salt " + salt)
          .doesNotThrowAnyException();
    }
    byte[] noSalt =
        SyntheticTpm.rsaSignature(
            TpmPublic.TPM_ALG_RSAPSS, TpmHash.SHA256, pss(TpmHash.SHA256, 0, q.bytes()));
    assertFails(
        AttestationFailure.ATTESTATION_BAD_SIGNATURE,
        () -> TpmQuoteVerifier.verifyQuote(ak, q.bytes(), noSalt, q.pcrs(), NONCE));
  }

  @Test
  void signatureOfWrongKeyFamily_badSignature() throws Exception {
    byte[] ak =
        SyntheticTpm.rsaPublic(
            (RSAPublicKey) rsa.getPublic(),
            TpmPublic.TPM_ALG_NULL,
            TpmHash.SHA256,
            SyntheticTpm.AK_ATTRIBUTES);
    Quote q = quote(TpmHash.SHA256);
    byte[] ecdsaSig = ecdsa(p256, TpmHash.SHA256, q.bytes(), 32);
    assertFails(
        AttestationFailure.ATTESTATION_BAD_SIGNATURE,
        () -> TpmQuoteVerifier.verifyQuote(ak, q.bytes(), ecdsaSig, q.pcrs(), NONCE));
  }

  @Test
  void eccPoint_offCurveOrUnknownCurve_malformed() {
    byte[] ak =
        SyntheticTpm.eccPublic(
            (ECPublicKey) p256.getPublic(),
            0x0003,
            TpmPublic.TPM_ALG_ECDSA,
            TpmHash.SHA256,
            SyntheticTpm.AK_ATTRIBUTES);
    byte[] offCurve = ak.clone();
    offCurve[offCurve.length - 1] ^= 1;
    assertFails(AttestationFailure.ATTESTATION_MALFORMED, () -> TpmPublic.parse(offCurve));
    byte[] bnCurve = ak.clone();
    int curveAt = 2 + 2 + 4 + 2 + 2 + 4; // type, nameAlg, attributes, policy, symmetric, scheme
    bnCurve[curveAt + 1] = 0x10; // TPM_ECC_BN_P256
    assertFails(AttestationFailure.ATTESTATION_MALFORMED, () -> TpmPublic.parse(bnCurve));
  }

  @Test
  void tpm2bPublic_sameKeyAsTpmt_andBadSizeMalformed() throws Exception {
    byte[] ak =
        SyntheticTpm.eccPublic(
            (ECPublicKey) p256.getPublic(),
            0x0003,
            TpmPublic.TPM_ALG_ECDSA,
            TpmHash.SHA256,
            SyntheticTpm.AK_ATTRIBUTES);
    byte[] sized = new byte[ak.length + 2];
    sized[0] = (byte) (ak.length >>> 8);
    sized[1] = (byte) ak.length;
    System.arraycopy(ak, 0, sized, 2, ak.length);
    assertThat(TpmPublic.parseSized(sized).name()).isEqualTo(TpmName.ofPublic(ak));
    sized[1]++;
    assertFails(AttestationFailure.ATTESTATION_MALFORMED, () -> TpmPublic.parseSized(sized));
  }

  @Test
  void tpmName_isNameAlgThenDigest_andParsesItsHex() throws Exception {
    byte[] ak =
        SyntheticTpm.eccPublic(
            (ECPublicKey) p256.getPublic(),
            0x0003,
            TpmPublic.TPM_ALG_ECDSA,
            TpmHash.SHA256,
            SyntheticTpm.AK_ATTRIBUTES);
    TpmName name = TpmName.ofPublic(ak);
    assertThat(name.bytes()).hasSize(34).startsWith(0x00, 0x0b);
    assertThat(Arrays.copyOfRange(name.bytes(), 2, 34)).isEqualTo(TpmHash.SHA256.digest(ak));
    assertThat(TpmName.parseHex(name.hex())).isEqualTo(name);
    assertThatThrownBy(() -> TpmName.parseHex("000b00"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> TpmName.parseHex(name.hex().toUpperCase(Locale.ROOT)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void pcrValues_everyPcrOfEveryBank_fitsTheLimit() {
    Map<PcrId, byte[]> many = new HashMap<>();
    for (TpmHash h : TpmHash.values()) {
      for (int i = 0; i <= PcrId.MAX_INDEX; i++) {
        many.put(new PcrId(h, i), new byte[h.size()]);
      }
    }
    assertThatCode(() -> PcrValues.of(many)).doesNotThrowAnyException();
    assertThat(many).hasSize(TpmLimits.MAX_PCR_VALUES);
  }
}
