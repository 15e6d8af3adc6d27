package dev.writ.cli;

import dev.writ.core.AttestationPolicy;
import dev.writ.core.AttestationPolicy.PcrBank;
import dev.writ.core.AttestationPolicy.PcrRequirement;
import dev.writ.core.AttestationPolicy.SevSnpTcb;
import dev.writ.core.Limits;
import dev.writ.core.json.CanonicalJson;
import dev.writ.core.json.JsonException;
import dev.writ.core.json.JsonReader;
import dev.writ.core.json.JsonValue;
import dev.writ.core.json.JsonValue.JsonArray;
import dev.writ.core.json.JsonValue.JsonObject;
import dev.writ.core.json.JsonValue.JsonString;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The attestation policy of the conformance vectors (writ.md section 8.4.1), and the edits that
 * break it for the invalid-root vectors. Every value is a hash of a fixed label, so the vectors
 * stay deterministic; none of them names a real certificate or measurement.
 */
final class AttestationVectors {
  private AttestationVectors() {}

  /** A stand-in fingerprint: SHA-256 of {@code label}. */
  static String fingerprint(String label) {
    return HexFormat.of().formatHex(digest("SHA-256", "writ vector authority: " + label));
  }

  /** A stand-in 48-byte measurement or MRTD: SHA-384 of {@code label}. */
  static String measurement(String label) {
    return HexFormat.of().formatHex(digest("SHA-384", "writ vector measurement: " + label));
  }

  /** The valid policy: an entry in every list but {@code tdx_mrtds}, which allows any MRTD. */
  static AttestationPolicy policy() {
    return new AttestationPolicy(
        List.of(fingerprint("tpm-ek-ca")),
        List.of(fingerprint("swtpm-local-ca")),
        List.of(
            new PcrRequirement(PcrBank.SHA256, 0, digest("SHA-256", "writ vector pcr 0")),
            new PcrRequirement(PcrBank.SHA256, 7, digest("SHA-256", "writ vector pcr 7"))),
        List.of(fingerprint("amd-ark")),
        new SevSnpTcb(3, 0, 8, 115),
        List.of(measurement("snp-launch")),
        List.of(fingerprint("intel-sgx-root-ca")),
        List.of());
  }

  /**
   * The canonical root payload {@code validRoot} with its {@code policy.attestation} members
   * edited: the bytes of a root that breaks one rule on purpose (never validated here).
   */
  static byte[] edit(byte[] validRoot, Consumer<Map<String, JsonValue>> edit) {
    JsonObject root;
    try {
      root =
          (JsonObject)
              new JsonReader(Limits.ROOT_JSON, JsonReader.Mode.INTEGERS_ONLY)
                  .readCanonical(validRoot);
    } catch (JsonException e) {
      throw new IllegalArgumentException("not a canonical root payload", e);
    }
    Map<String, JsonValue> top = new LinkedHashMap<>(root.members());
    Map<String, JsonValue> policy = new LinkedHashMap<>(((JsonObject) top.get("policy")).members());
    Map<String, JsonValue> attestation =
        new LinkedHashMap<>(((JsonObject) policy.get("attestation")).members());
    edit.accept(attestation);
    policy.put("attestation", new JsonObject(attestation));
    top.put("policy", new JsonObject(policy));
    return CanonicalJson.write(new JsonObject(top));
  }

  /** A JSON array of strings. */
  static JsonArray strings(String... values) {
    List<JsonValue> out = new ArrayList<>();
    for (String v : values) {
      out.add(new JsonString(v));
    }
    return new JsonArray(out);
  }

  /** The strings of a JSON array of strings. */
  static List<String> strings(JsonValue array) {
    List<String> out = new ArrayList<>();
    for (JsonValue v : ((JsonArray) array).elements()) {
      out.add(((JsonString) v).value());
    }
    return out;
  }

  private static byte[] digest(String algorithm, String label) {
    try {
      return MessageDigest.getInstance(algorithm).digest(label.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(algorithm + " is a required JDK algorithm", e);
    }
  }
}
