package dev.writ.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.writ.core.json.CanonicalJson;
import java.math.BigInteger;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.AlgorithmParameters;
import java.security.KeyFactory;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The worked example of the DSSE protocol (protocol.md, "Test Vectors"): PAE bytes, and its ECDSA
 * P-256 signature through our decoder and verifier. Writ's envelope profile is stricter than DSSE
 * (canonical JSON, standard padded base64 only, a 64-hex keyid on every signature), so the example
 * envelope itself must be refused, and these tests say why.
 */
class DsseConformanceTest {
  private static final Charset UTF8 = StandardCharsets.UTF_8;

  private static Optional<Path> file() {
    return ConformanceData.dir("dsse").map(d -> d.resolve("dsse_protocol_example.json"));
  }

  @Test
  void pae_protocolExample_equalsPublishedBytes() throws Exception {
    Optional<Path> f = file();
    if (f.isEmpty()) {
      return;
    }
    VectorJson v = VectorJson.read(f.get());
    byte[] payload = v.string("payload_text").getBytes(StandardCharsets.UTF_8);
    assertThat(Base64.getDecoder().decode(v.string("payload_base64"))).isEqualTo(payload);
    byte[] pae = Envelope.pae(v.string("payloadType"), payload);
    assertThat(pae).isEqualTo(v.hex("pae_hex"));
    assertThat(new String(pae, StandardCharsets.US_ASCII)).isEqualTo(v.string("pae_text"));
  }

  @Test
  void verify_protocolExampleSignatureOverPae_acceptedAndTamperRefused() throws Exception {
    Optional<Path> f = file();
    if (f.isEmpty()) {
      return;
    }
    VectorJson v = VectorJson.read(f.get());
    VectorJson key = v.object("key");
    AlgorithmParameters p = AlgorithmParameters.getInstance("EC");
    p.init(new ECGenParameterSpec("secp256r1"));
    ECPoint w =
        new ECPoint(
            new BigInteger(key.string("X_decimal")), new BigInteger(key.string("Y_decimal")));
    byte[] spki =
        KeyFactory.getInstance("EC")
            .generatePublic(new ECPublicKeySpec(w, p.getParameterSpec(ECParameterSpec.class)))
            .getEncoded();
    PublicKeyVerifier verifier =
        PublicKeyVerifier.decode(SignatureAlgorithm.ECDSA_P256_SHA256, spki);
    byte[] pae = v.hex("pae_hex");
    byte[] sig = Base64.getDecoder().decode(v.string("sig_base64"));
    assertThat(sig).hasSize(64);
    assertThat(verifier.verify(pae, sig)).isTrue();

    byte[] otherPae = Envelope.pae(v.string("payloadType"), "hello world!".getBytes(UTF8));
    assertThat(verifier.verify(otherPae, sig)).isFalse();
    sig[63] ^= 1;
    assertThat(verifier.verify(pae, sig)).isFalse();
  }

  /**
   * The envelope exactly as the vector file spells it has insignificant whitespace: Writ accepts
   * only the RFC 8785 canonical bytes of an envelope, so one envelope has one byte form (and one
   * hash in the spend ledger and audit log).
   */
  @Test
  void parse_protocolExampleEnvelopeAsWritten_refusedAsNonCanonical() throws Exception {
    Optional<Path> f = file();
    if (f.isEmpty()) {
      return;
    }
    byte[] asWritten = rawMember(Files.readString(f.get()), "envelope_protocol_md");
    assertDenied(asWritten, Reason.NON_CANONICAL);
  }

  /**
   * Even in canonical form the example is refused: its signature names no {@code keyid}, which Writ
   * requires (the signing_spec.py doctest's {@code "66301bbf"} is not a 64-hex SPKI hash either).
   */
  @Test
  void parse_protocolExampleEnvelopesCanonicalized_refusedAsMalformedForTheirKeyid()
      throws Exception {
    Optional<Path> f = file();
    if (f.isEmpty()) {
      return;
    }
    VectorJson v = VectorJson.read(f.get());
    assertDenied(CanonicalJson.write(v.value("envelope_protocol_md")), Reason.MALFORMED);
    assertDenied(
        CanonicalJson.write(v.value("envelope_signing_spec_py_doctest")), Reason.MALFORMED);
  }

  /**
   * DSSE lets verifiers accept URL-safe base64; Writ's profile does not (one spelling per byte
   * string). The example's signature has a {@code +}, so its URL-safe spelling differs.
   */
  @Test
  void parse_urlSafeBase64Signature_refusedAsMalformed() throws Exception {
    Optional<Path> f = file();
    if (f.isEmpty()) {
      return;
    }
    VectorJson v = VectorJson.read(f.get());
    byte[] sig = Base64.getDecoder().decode(v.string("sig_base64"));
    String keyid = "ab".repeat(32);
    String standard = Base64.getEncoder().encodeToString(sig);
    String urlSafe = Base64.getUrlEncoder().encodeToString(sig);
    assertThat(urlSafe).isNotEqualTo(standard);
    String template =
        "{\"payload\":\"aGVsbG8gd29ybGQ=\",\"payloadType\":\"http://example.com/HelloWorld\","
            + "\"signatures\":[{\"keyid\":\""
            + keyid
            + "\",\"sig\":\"%s\"}]}";
    Envelope ok = Envelope.parse(template.formatted(standard).getBytes(UTF8));
    assertThat(ok.pae()).isEqualTo(v.hex("pae_hex"));
    assertThat(ok.signatures().getFirst().sig()).isEqualTo(sig);
    assertDenied(template.formatted(urlSafe).getBytes(UTF8), Reason.MALFORMED);
  }

  private static void assertDenied(byte[] envelope, Reason reason) {
    assertThatThrownBy(() -> Envelope.parse(envelope))
        .isInstanceOfSatisfying(
            WritDeniedException.class, e -> assertThat(e.reason()).isEqualTo(reason));
  }

  /** The exact text of the object value of top-level member {@code name} (no braces in strings). */
  private static byte[] rawMember(String doc, String name) {
    int at = doc.indexOf('{', doc.indexOf("\"" + name + "\""));
    int depth = 0;
    for (int i = at; i < doc.length(); i++) {
      char c = doc.charAt(i);
      if (c == '{') {
        depth++;
      } else if (c == '}' && --depth == 0) {
        return doc.substring(at, i + 1).getBytes(UTF8);
      }
    }
    throw new AssertionError("no object for " + name);
  }

  @Test
  void rawMember_extractsTheExampleEnvelopeText() {
    String doc = "{\"x\": 1, \"e\": {\"a\": [{\"b\": 2}]}, \"y\": {}}";
    assertThat(new String(rawMember(doc, "e"), UTF8)).isEqualTo("{\"a\": [{\"b\": 2}]}");
    assertThat(HexFormat.of().formatHex(rawMember(doc, "y"))).isEqualTo("7b7d");
  }
}
