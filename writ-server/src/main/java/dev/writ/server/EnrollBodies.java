package dev.writ.server;

import dev.writ.core.json.JsonException;
import dev.writ.core.json.JsonLimits;
import dev.writ.core.json.JsonReader;
import dev.writ.core.json.JsonValue;
import dev.writ.core.json.JsonValue.JsonArray;
import dev.writ.core.json.JsonValue.JsonObject;
import dev.writ.core.json.JsonValue.JsonString;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Strict reading of the enrollment and renewal request bodies (docs/spec/enrollment.md section 3):
 * canonical JSON within {@link #LIMITS}, exactly the members each request defines, base64 that
 * decodes canonically. A body that breaks any rule is a {@link BadBody} with a one-line reason.
 *
 * <p>Thread-safe: stateless.
 */
final class EnrollBodies {
  /** Largest enrollment body (enrollment.md section 3.3): a TDX quote in base64 is under 11 KiB. */
  static final int MAX_BYTES = 64 * 1024;

  /** Depth 3: the body, its {@code evidence} object, an array in it. */
  static final JsonLimits LIMITS = new JsonLimits(MAX_BYTES, 3, 16 * 1024, 32);

  private static final JsonReader READER = new JsonReader(LIMITS, JsonReader.Mode.INTEGERS_ONLY);

  /** enrollment.md section 2. */
  static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,62}");

  private static final Pattern ADVISORY_VALUE = Pattern.compile("[\\x20-\\x7e]{0,128}");
  private static final Set<String> ADVISORY = Set.of("mac", "serial", "gpu_uuid");

  private EnrollBodies() {}

  /** A body that does not follow the rules; the message is one line for the client. */
  static final class BadBody extends Exception {
    private static final long serialVersionUID = 1L;

    BadBody(String message) {
      super(message);
    }
  }

  record Open(String name) {}

  /**
   * The evidence a challenge is asked for: {@code kind} is a wire name of QuoteKind or {@code
   * none}; for {@code tpm2} the EK chain (leaf first) and the AK's public area, else empty.
   */
  @SuppressWarnings("ArrayRecordComponent") // request-scoped, decoded here, only read
  record EvidenceRequest(String kind, List<byte[]> ekChain, Optional<byte[]> akPublic) {}

  @SuppressWarnings("ArrayRecordComponent") // request-scoped, decoded here, only read
  record Challenge(byte[] envelope, String name, EvidenceRequest evidence) {}

  @SuppressWarnings("ArrayRecordComponent") // request-scoped, decoded here, only read
  record Complete(
      byte[] envelope,
      String name,
      byte[] challenge,
      byte[] csr,
      Optional<JsonObject> evidence,
      SortedMap<String, String> advisory) {}

  /** A renewal (enrollment.md section 3.4): no writ and no name, the peer's SVID names the node. */
  @SuppressWarnings("ArrayRecordComponent") // request-scoped, decoded here, only read
  record Renew(byte[] challenge, byte[] csr, Optional<JsonObject> evidence) {}

  static Open open(byte[] body) throws BadBody {
    JsonObject o = object(body);
    fields(o, Set.of("node"), Set.of());
    return new Open(name(o));
  }

  static Challenge challenge(byte[] body) throws BadBody {
    JsonObject o = object(body);
    fields(o, Set.of("envelope", "node", "evidence_kind"), Set.of("ek_chain", "ak_public"));
    return new Challenge(bytes(o, "envelope"), name(o), evidenceRequest(o));
  }

  /** {@code POST /v1/svid/challenge}: {@code evidence_kind} and, for tpm2, the TPM members. */
  static EvidenceRequest renewChallenge(byte[] body) throws BadBody {
    JsonObject o = object(body);
    fields(o, Set.of("evidence_kind"), Set.of("ek_chain", "ak_public"));
    return evidenceRequest(o);
  }

  /** {@code POST /v1/svid/renew}; {@code evidence} may be missing here, renewal refuses that. */
  static Renew renew(byte[] body) throws BadBody {
    JsonObject o = object(body);
    fields(o, Set.of("challenge", "csr"), Set.of("evidence"));
    return new Renew(bytes(o, "challenge"), bytes(o, "csr"), evidence(o));
  }

  private static EvidenceRequest evidenceRequest(JsonObject o) throws BadBody {
    String kind = string(o, "evidence_kind");
    if (!Set.of("tpm2", "sev-snp", "tdx", "none").contains(kind)) {
      throw new BadBody("evidence_kind must be tpm2, sev-snp, tdx or none");
    }
    boolean tpm = kind.equals("tpm2");
    if (tpm != o.members().containsKey("ek_chain") || tpm != o.members().containsKey("ak_public")) {
      throw new BadBody("ek_chain and ak_public are given exactly when evidence_kind is tpm2");
    }
    return new EvidenceRequest(
        kind,
        tpm ? byteList(o, "ek_chain") : List.of(),
        tpm ? Optional.of(bytes(o, "ak_public")) : Optional.empty());
  }

  static Complete complete(byte[] body) throws BadBody {
    JsonObject o = object(body);
    fields(o, Set.of("envelope", "node", "challenge", "csr"), Set.of("evidence", "advisory"));
    return new Complete(
        bytes(o, "envelope"),
        name(o),
        bytes(o, "challenge"),
        bytes(o, "csr"),
        evidence(o),
        advisory(o));
  }

  private static Optional<JsonObject> evidence(JsonObject o) throws BadBody {
    if (!o.members().containsKey("evidence")) {
      return Optional.empty();
    }
    if (!(o.members().get("evidence") instanceof JsonObject e)) {
      throw new BadBody("evidence must be an object");
    }
    return Optional.of(e);
  }

  private static SortedMap<String, String> advisory(JsonObject o) throws BadBody {
    SortedMap<String, String> out = new TreeMap<>();
    if (!o.members().containsKey("advisory")) {
      return out;
    }
    if (!(o.members().get("advisory") instanceof JsonObject a)) {
      throw new BadBody("advisory must be an object");
    }
    for (var e : a.members().entrySet()) {
      if (!ADVISORY.contains(e.getKey())) {
        throw new BadBody("advisory members are mac, serial and gpu_uuid");
      }
      if (!(e.getValue() instanceof JsonString(String v)) || !ADVISORY_VALUE.matcher(v).matches()) {
        throw new BadBody("advisory." + e.getKey() + " is at most 128 printable ASCII characters");
      }
      out.put(e.getKey(), v);
    }
    return out;
  }

  static JsonObject object(byte[] body) throws BadBody {
    JsonValue v;
    try {
      v = READER.readCanonical(body);
    } catch (JsonException e) {
      throw new BadBody("body is not canonical JSON within limits: " + e.getMessage());
    }
    if (v instanceof JsonObject o) {
      return o;
    }
    throw new BadBody("body must be a JSON object");
  }

  static void fields(JsonObject o, Set<String> required, Set<String> optional) throws BadBody {
    for (String r : required) {
      if (!o.members().containsKey(r)) {
        throw new BadBody("missing member " + r);
      }
    }
    for (String n : o.members().keySet()) {
      if (!required.contains(n) && !optional.contains(n)) {
        throw new BadBody("unknown member " + n);
      }
    }
  }

  private static String name(JsonObject o) throws BadBody {
    String n = string(o, "node");
    if (!NAME.matcher(n).matches()) {
      throw new BadBody("node must match " + NAME.pattern());
    }
    return n;
  }

  static String string(JsonObject o, String member) throws BadBody {
    if (o.members().get(member) instanceof JsonString(String s)) {
      return s;
    }
    throw new BadBody(member + " must be a string");
  }

  static byte[] bytes(JsonObject o, String member) throws BadBody {
    return decode(member, string(o, member));
  }

  static List<byte[]> byteList(JsonObject o, String member) throws BadBody {
    if (!(o.members().get(member) instanceof JsonArray(List<JsonValue> items))) {
      throw new BadBody(member + " must be an array");
    }
    List<byte[]> out = new ArrayList<>();
    for (JsonValue v : items) {
      if (!(v instanceof JsonString(String s))) {
        throw new BadBody(member + " holds base64 strings");
      }
      out.add(decode(member, s));
    }
    return out;
  }

  private static byte[] decode(String member, String s) throws BadBody {
    byte[] b;
    try {
      b = Base64.getDecoder().decode(s);
    } catch (IllegalArgumentException e) {
      throw new BadBody(member + " is not base64");
    }
    if (!Base64.getEncoder().encodeToString(b).equals(s)) {
      throw new BadBody(member + " is not canonical padded base64");
    }
    return b;
  }
}
