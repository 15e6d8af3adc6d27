package dev.writ.core;

import dev.writ.core.json.CanonicalJson;
import dev.writ.core.json.JsonException;
import dev.writ.core.json.JsonLimits;
import dev.writ.core.json.JsonReader;
import dev.writ.core.json.JsonValue;
import dev.writ.core.json.JsonValue.JsonArray;
import dev.writ.core.json.JsonValue.JsonObject;
import dev.writ.core.json.JsonValue.JsonString;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A DSSE v1 envelope in Writ's strict profile (docs/spec/writ.md section "Envelope"): the JSON is
 * itself RFC 8785 canonical, base64 is standard with padding and canonical, every signature names a
 * 64-hex {@code keyid}. Parsing checks form only; signatures are checked by the verifier.
 *
 * <p>Immutable and thread-safe.
 */
public final class Envelope {
  /** The payload type of a writ. */
  public static final String WRIT_PAYLOAD_TYPE = "application/vnd.writ.v1+json";

  /** The payload type of a trust root. */
  public static final String ROOT_PAYLOAD_TYPE = "application/vnd.writ.root.v1+json";

  private static final Set<String> FIELDS = Set.of("payload", "payloadType", "signatures");
  private static final Set<String> SIGNATURE_FIELDS = Set.of("keyid", "sig");

  /** One DSSE signature. */
  @SuppressWarnings("ArrayRecordComponent") // cloned in and out
  public record Signature(KeyId keyId, byte[] sig) {
    public Signature {
      sig = sig.clone();
    }

    @Override
    public byte[] sig() {
      return sig.clone();
    }
  }

  private static final String BASE64_ALPHABET =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

  private final String payloadType;
  private final byte[] payload;
  private final List<Signature> signatures;

  public Envelope(String payloadType, byte[] payload, List<Signature> signatures) {
    if (signatures.size() > Limits.MAX_SIGNATURES) {
      throw new IllegalArgumentException("at most " + Limits.MAX_SIGNATURES + " signatures");
    }
    this.payloadType = payloadType;
    this.payload = payload.clone();
    this.signatures = List.copyOf(signatures);
  }

  /**
   * Parses envelope bytes strictly.
   *
   * @throws WritDeniedException {@code OVERSIZE}, {@code MALFORMED}, {@code NON_CANONICAL} or
   *     {@code UNKNOWN_FIELD}
   */
  public static Envelope parse(byte[] bytes) throws WritDeniedException {
    return parse(bytes, Limits.ENVELOPE_JSON);
  }

  static Envelope parse(byte[] bytes, JsonLimits limits) throws WritDeniedException {
    JsonValue json;
    try {
      json = new JsonReader(limits, JsonReader.Mode.INTEGERS_ONLY).readCanonical(bytes);
    } catch (JsonException e) {
      throw Verifier.translate("envelope", e);
    }
    Fields f = Fields.of("envelope", json).onlyKnown(FIELDS);
    String type = f.string("payloadType");
    byte[] payload = decodeBase64("payload", f.string("payload"));
    List<JsonValue> sigs = f.array("signatures");
    if (sigs.isEmpty()) {
      throw new WritDeniedException(Reason.MALFORMED, "envelope has no signatures");
    }
    List<Signature> out = new ArrayList<>();
    for (int i = 0; i < sigs.size(); i++) {
      Fields s = Fields.of("signatures[" + i + "]", sigs.get(i)).onlyKnown(SIGNATURE_FIELDS);
      out.add(
          new Signature(
              KeyId.parse(s.string("keyid")),
              decodeBase64("signatures[" + i + "].sig", s.string("sig"))));
    }
    return new Envelope(type, payload, out);
  }

  /** The DSSE v1 pre-authentication encoding of this envelope's type and payload. */
  public byte[] pae() {
    return pae(payloadType, payload);
  }

  /**
   * {@code "DSSEv1" SP LEN(type) SP type SP LEN(body) SP body}, lengths as ASCII decimal byte
   * counts (DSSE protocol v1).
   */
  public static byte[] pae(String payloadType, byte[] payload) {
    byte[] type = payloadType.getBytes(StandardCharsets.UTF_8);
    byte[] head =
        ("DSSEv1 " + type.length + " " + payloadType + " " + payload.length + " ")
            .getBytes(StandardCharsets.UTF_8);
    byte[] out = new byte[head.length + payload.length];
    System.arraycopy(head, 0, out, 0, head.length);
    System.arraycopy(payload, 0, out, head.length, payload.length);
    return out;
  }

  /** A copy with {@code signature} appended. */
  public Envelope withSignature(Signature signature) {
    List<Signature> more = new ArrayList<>(signatures);
    more.add(signature);
    return new Envelope(payloadType, payload, more);
  }

  /** The canonical (RFC 8785) envelope bytes: the only form Writ emits or accepts. */
  public byte[] toCanonicalBytes() {
    Base64.Encoder b64 = Base64.getEncoder();
    List<JsonValue> sigs = new ArrayList<>();
    for (Signature s : signatures) {
      Map<String, JsonValue> m = new LinkedHashMap<>();
      m.put("keyid", new JsonString(s.keyId().hex()));
      m.put("sig", new JsonString(b64.encodeToString(s.sig)));
      sigs.add(new JsonObject(m));
    }
    Map<String, JsonValue> m = new LinkedHashMap<>();
    m.put("payload", new JsonString(b64.encodeToString(payload)));
    m.put("payloadType", new JsonString(payloadType));
    m.put("signatures", new JsonArray(sigs));
    return CanonicalJson.write(new JsonObject(m));
  }

  public String payloadType() {
    return payloadType;
  }

  public byte[] payload() {
    return payload.clone();
  }

  public List<Signature> signatures() {
    return signatures;
  }

  static byte[] decodeBase64(String where, String text) throws WritDeniedException {
    byte[] decoded;
    try {
      decoded = Base64.getDecoder().decode(text);
    } catch (IllegalArgumentException e) {
      throw new WritDeniedException(Reason.MALFORMED, where + " is not standard base64", e);
    }
    if (!canonicalBase64(text)) {
      throw new WritDeniedException(
          Reason.MALFORMED, where + " is not canonical padded standard base64");
    }
    return decoded;
  }

  /**
   * Given text the JDK's decoder accepted: whether it is the one canonical encoding of its bytes,
   * i.e. padded to a multiple of four and with zero unused bits before the padding (RFC 4648
   * section 3.5). Equivalent to re-encoding and comparing, without the allocation.
   */
  private static boolean canonicalBase64(String text) {
    int n = text.length();
    if (n % 4 != 0) {
      return false;
    }
    if (n == 0) {
      return true;
    }
    int pad = text.charAt(n - 1) != '=' ? 0 : text.charAt(n - 2) == '=' ? 2 : 1;
    if (pad == 0) {
      return true;
    }
    int last = BASE64_ALPHABET.indexOf(text.charAt(n - 1 - pad));
    int unusedBitsMask = pad == 2 ? 0x0f : 0x03;
    return last >= 0 && (last & unusedBitsMask) == 0;
  }
}
