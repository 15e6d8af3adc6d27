package dev.writ.identity.svid;

import static org.assertj.core.api.Assertions.assertThat;

import dev.writ.core.json.JsonLimits;
import dev.writ.core.json.JsonReader;
import dev.writ.core.json.JsonValue;
import dev.writ.core.json.JsonValue.JsonArray;
import dev.writ.core.json.JsonValue.JsonInteger;
import dev.writ.core.json.JsonValue.JsonObject;
import dev.writ.core.json.JsonValue.JsonString;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * go-spiffe's X.509-SVID and bundle parse tables (shared/vectors/spiffe, SOURCE.md), every case.
 * SVID cases go through {@link SvidPem#parse}, which like go-spiffe's {@code x509svid.Parse} checks
 * the profile and the key but not time: the test certificates expired in 2020 and 2025. go-spiffe's
 * error texts do not carry over; each failure case is mapped to the code of its failure class.
 */
class SpiffeVectorsTest {
  private static final Map<String, SvidFailure> SVID_FAILURES =
      Map.ofEntries(
          Map.entry("Missing certificate", SvidFailure.SVID_MALFORMED),
          Map.entry("Missing private key", SvidFailure.KEY_MALFORMED),
          Map.entry("Private key not PEM", SvidFailure.KEY_MALFORMED),
          Map.entry("Certificate not PEM", SvidFailure.SVID_MALFORMED),
          Map.entry("Corrupt private key", SvidFailure.KEY_MALFORMED),
          Map.entry("Corrupt certificate", SvidFailure.SVID_MALFORMED),
          Map.entry("Certificate does not match private key", SvidFailure.KEY_MISMATCH),
          Map.entry("Certificate without SPIFFE ID", SvidFailure.SVID_BAD_ID),
          Map.entry("Leaf certificate with CA flag set to true", SvidFailure.SVID_LEAF_PROFILE),
          Map.entry(
              "Leaf certificate without digitalSignature as key usage",
              SvidFailure.SVID_LEAF_PROFILE),
          Map.entry("Leaf certificate with certSign as key usage", SvidFailure.SVID_LEAF_PROFILE),
          Map.entry("Leaf certificate with cRLSign as key usage", SvidFailure.SVID_LEAF_PROFILE),
          Map.entry("Signing certificate without CA flag", SvidFailure.SVID_SIGNER_PROFILE),
          Map.entry(
              "Signing certificate without 'keyCertSign' usage", SvidFailure.SVID_SIGNER_PROFILE));

  private final Path root = SvidTestKit.vectors("spiffe");

  private JsonObject expectations() throws Exception {
    byte[] json = Files.readAllBytes(root.resolve("parse_expectations.json"));
    return (JsonObject)
        new JsonReader(new JsonLimits(1 << 20, 16, 1 << 16, 1000), JsonReader.Mode.INTEGERS_ONLY)
            .read(json);
  }

  private static String str(JsonObject o, String key) {
    return ((JsonString) o.members().get(key)).value();
  }

  @Test
  void x509svidParse_everyCaseDecidesAsExpected() throws Exception {
    Path base = root.resolve("svid/x509svid");
    JsonArray cases = (JsonArray) expectations().members().get("x509svid_parse");
    Set<String> seen = new HashSet<>();
    int successes = 0;
    for (JsonValue v : cases.elements()) {
      JsonObject c = (JsonObject) v;
      String name = str(c, "name");
      seen.add(name);
      byte[] certs = Files.readAllBytes(base.resolve(str(c, "certsPath")));
      byte[] key = Files.readAllBytes(base.resolve(str(c, "keyPath")));
      if (c.members().containsKey("expID")) {
        SvidPem.Parsed parsed = SvidPem.parse(certs, key);
        assertThat(parsed.id().toString()).as(name).isEqualTo(str(c, "expID"));
        assertThat(parsed.chain())
            .as(name)
            .hasSize((int) ((JsonInteger) c.members().get("expNumCerts")).value());
        successes++;
      } else {
        assertThat(SVID_FAILURES).as("a code for case '%s'", name).containsKey(name);
        try {
          SvidPem.parse(certs, key);
          throw new AssertionError(name + ": accepted");
        } catch (SvidException e) {
          assertThat(e.failure())
              .as(name + ": " + e.getMessage())
              .isEqualTo(SVID_FAILURES.get(name));
        }
      }
    }
    assertThat(cases.elements()).hasSize(18);
    assertThat(successes).isEqualTo(4);
    assertThat(seen).containsAll(SVID_FAILURES.keySet());
  }

  @Test
  void x509bundleParse_everyCaseDecidesAsExpected() throws Exception {
    Path base = root.resolve("bundle/x509bundle");
    JsonArray cases = (JsonArray) expectations().members().get("x509bundle_parse");
    TrustDomain td = new TrustDomain("domain.test");
    for (JsonValue v : cases.elements()) {
      JsonObject c = (JsonObject) v;
      String name = str(c, "name");
      byte[] pem = Files.readAllBytes(base.resolve(str(c, "path")));
      if (c.members().containsKey("expNumAuthorities")) {
        TrustBundle bundle = TrustBundle.parse(td, pem);
        assertThat(bundle.authorities())
            .as(name)
            .hasSize((int) ((JsonInteger) c.members().get("expNumAuthorities")).value());
        assertThat(
                TrustBundle.parse(
                        td, bundle.format().getBytes(java.nio.charset.StandardCharsets.US_ASCII))
                    .authorities())
            .as(name + " round trip")
            .isEqualTo(bundle.authorities());
      } else {
        try {
          TrustBundle.parse(td, pem);
          throw new AssertionError(name + ": accepted");
        } catch (SvidException e) {
          assertThat(e.failure()).as(name).isEqualTo(SvidFailure.BUNDLE_MALFORMED);
        }
      }
    }
    assertThat(cases.elements()).hasSize(5);
  }

  @Test
  void goodSvids_validateWithTheirIntermediateAsBundleAtAFixedTime() throws Exception {
    // good-leaf-and-intermediate.pem: leaf and CA intermediate, valid 2020-03-24 14:07-15:07 UTC
    Path file = root.resolve("svid/x509svid/testdata/good-leaf-and-intermediate.pem");
    SvidPem.Parsed parsed =
        SvidPem.parse(
            Files.readAllBytes(file),
            Files.readAllBytes(root.resolve("svid/x509svid/testdata/key-pkcs8-ecdsa.pem")));
    TrustBundle bundle =
        TrustBundle.of(new TrustDomain("example.org"), java.util.List.of(parsed.chain().get(1)));
    java.time.Instant inside = parsed.chain().getFirst().getNotBefore().toInstant().plusSeconds(60);
    assertThat(SvidValidator.validate(parsed.chain(), bundle, inside).id().toString())
        .isEqualTo("spiffe://example.org/workload-1");
    java.time.Instant after = parsed.chain().getFirst().getNotAfter().toInstant().plusSeconds(1);
    try {
      SvidValidator.validate(parsed.chain(), bundle, after);
      throw new AssertionError("an expired vector was accepted");
    } catch (SvidException e) {
      assertThat(e.failure()).isEqualTo(SvidFailure.SVID_EXPIRED);
    }
  }
}
