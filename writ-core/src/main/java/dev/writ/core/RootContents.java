package dev.writ.core;

import dev.writ.core.json.CanonicalJson;
import dev.writ.core.json.JsonException;
import dev.writ.core.json.JsonReader;
import dev.writ.core.json.JsonValue;
import dev.writ.core.json.JsonValue.JsonArray;
import dev.writ.core.json.JsonValue.JsonInteger;
import dev.writ.core.json.JsonValue.JsonObject;
import dev.writ.core.json.JsonValue.JsonString;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The payload of a trust root (docs/spec/writ.md section "Trust root"), validated but not yet
 * trusted: who signed it is {@link TrustRoot}'s concern. Building one and writing {@link
 * #toCanonicalBytes()} is how a new root is drafted.
 *
 * <p>Immutable and thread-safe.
 */
public record RootContents(
    long version,
    Instant expires,
    String trustDomain,
    SortedMap<KeyId, TrustedKey> keys,
    Map<Role, RoleKeys> roles,
    Policy policy) {

  /** The only root format version this implementation reads. */
  public static final long FORMAT_VERSION = 1;

  private static final Set<String> FIELDS =
      Set.of("v", "version", "expires", "trust_domain", "keys", "roles", "policy");
  private static final Set<String> KEY_FIELDS = Set.of("alg", "public_key", "hybrid_of", "label");
  private static final Set<String> ROLE_FIELDS = Set.of("keys", "threshold");
  private static final Pattern TRUST_DOMAIN = Pattern.compile("[a-z0-9._-]{1,255}");
  private static final Pattern LABEL = Pattern.compile("[A-Za-z0-9][A-Za-z0-9 ._@-]{0,63}");
  private static final JsonReader READER =
      new JsonReader(Limits.ROOT_JSON, JsonReader.Mode.INTEGERS_ONLY);

  /**
   * A key the root lists.
   *
   * @param hybridOf for an ML-DSA-65 key: the classical key it co-signs with
   */
  public record TrustedKey(
      PublicKeyVerifier verifier, Optional<KeyId> hybridOf, Optional<String> label) {}

  /** The keys holding a role and how many distinct ones must sign. */
  public record RoleKeys(SortedSet<KeyId> keys, int threshold) {
    public RoleKeys {
      keys = Collections.unmodifiableSortedSet(new TreeSet<>(keys));
      if (threshold < 1) {
        throw new IllegalArgumentException("a threshold is at least 1");
      }
    }
  }

  public RootContents {
    keys = Collections.unmodifiableSortedMap(new TreeMap<>(keys));
    roles = Collections.unmodifiableMap(new EnumMap<>(roles));
  }

  /**
   * Validates a draft.
   *
   * @throws WritDeniedException {@code MALFORMED} for a rule the root breaks
   */
  public static RootContents create(
      long version,
      Instant expires,
      String trustDomain,
      Map<KeyId, TrustedKey> keys,
      Map<Role, RoleKeys> roles,
      Policy policy)
      throws WritDeniedException {
    if (version < 1) {
      throw malformed("version must be >= 1");
    }
    if (!TRUST_DOMAIN.matcher(trustDomain).matches()) {
      throw malformed("trust_domain is not a SPIFFE trust domain");
    }
    if (keys.size() > Limits.MAX_ROOT_KEYS) {
      throw new WritDeniedException(Reason.OVERSIZE, "more than " + Limits.MAX_ROOT_KEYS + " keys");
    }
    for (Map.Entry<KeyId, TrustedKey> e : keys.entrySet()) {
      TrustedKey k = e.getValue();
      if (!e.getKey().equals(k.verifier().keyId())) {
        throw malformed("key " + e.getKey().shortForm() + " is not the SHA-256 of its SPKI");
      }
      boolean pq = k.verifier().algorithm().postQuantum();
      if (pq != k.hybridOf().isPresent()) {
        throw malformed(
            "key " + e.getKey().shortForm() + ": hybrid_of is required for ml-dsa-65 keys only");
      }
      if (pq) {
        TrustedKey partner = keys.get(k.hybridOf().get());
        if (partner == null || partner.verifier().algorithm().postQuantum()) {
          throw malformed("key " + e.getKey().shortForm() + ": hybrid_of names no classical key");
        }
        long partners =
            keys.values().stream().filter(o -> o.hybridOf().equals(k.hybridOf())).count();
        if (partners != 1) {
          throw malformed("a classical key has more than one ml-dsa-65 partner");
        }
      }
    }
    if (roles.size() != Role.values().length) {
      throw malformed("roles must list root, initiator, approver, pauser and auditor");
    }
    for (Map.Entry<Role, RoleKeys> r : roles.entrySet()) {
      for (KeyId id : r.getValue().keys()) {
        TrustedKey k = keys.get(id);
        if (k == null) {
          throw malformed("role " + r.getKey().wire() + " names unlisted key " + id.shortForm());
        }
        if (k.verifier().algorithm().postQuantum()) {
          throw malformed("role " + r.getKey().wire() + " names ml-dsa-65 key " + id.shortForm());
        }
      }
    }
    return new RootContents(version, expires, trustDomain, new TreeMap<>(keys), roles, policy);
  }

  /** Reads root payload bytes, which must be canonical. */
  public static RootContents parse(byte[] payload) throws WritDeniedException {
    JsonValue json;
    try {
      json = READER.readCanonical(payload);
    } catch (JsonException e) {
      throw Verifier.translate("root", e);
    }
    Fields f = Fields.of("root", json);
    long v = f.integer("v");
    if (v != FORMAT_VERSION) {
      throw new WritDeniedException(Reason.UNSUPPORTED_VERSION, "root format version " + v);
    }
    f.onlyKnown(FIELDS);
    Fields keysJson = f.object("keys");
    Map<KeyId, TrustedKey> keys = new TreeMap<>();
    for (String name : keysJson.names()) {
      KeyId id = KeyId.parse(name);
      Fields k = keysJson.object(name).onlyKnown(KEY_FIELDS);
      String algText = k.string("alg");
      SignatureAlgorithm alg =
          SignatureAlgorithm.fromWire(algText)
              .orElseThrow(() -> malformed("unknown algorithm \"" + algText + "\""));
      byte[] spki = Envelope.decodeBase64("keys." + id.shortForm(), k.string("public_key"));
      Optional<KeyId> hybridOf =
          k.has("hybrid_of") ? Optional.of(KeyId.parse(k.string("hybrid_of"))) : Optional.empty();
      Optional<String> label = k.optionalString("label");
      if (label.isPresent() && !LABEL.matcher(label.get()).matches()) {
        throw malformed("label must match " + LABEL.pattern());
      }
      keys.put(id, new TrustedKey(PublicKeyVerifier.decode(alg, spki), hybridOf, label));
    }
    Fields rolesJson = f.object("roles");
    Map<Role, RoleKeys> roles = new EnumMap<>(Role.class);
    for (String name : rolesJson.names()) {
      Role role = Role.fromWire(name).orElseThrow(() -> malformed("unknown role \"" + name + "\""));
      Fields r = rolesJson.object(name).onlyKnown(ROLE_FIELDS);
      SortedSet<KeyId> ids = new TreeSet<>();
      for (JsonValue e : r.array("keys")) {
        if (!ids.add(KeyId.parse(Fields.stringElement("roles." + name + ".keys", e)))) {
          throw malformed("role " + name + " lists a key twice");
        }
      }
      long threshold = r.integer("threshold");
      if (threshold < 1 || threshold > Limits.MAX_ROOT_KEYS) {
        throw malformed("role " + name + " threshold must be 1.." + Limits.MAX_ROOT_KEYS);
      }
      roles.put(role, new RoleKeys(ids, (int) threshold));
    }
    return create(
        f.integer("version"),
        Instant.ofEpochSecond(f.nonNegative("expires")),
        f.string("trust_domain"),
        keys,
        roles,
        Policy.fromJson(f.object("policy")));
  }

  /** The canonical payload bytes to sign. */
  public byte[] toCanonicalBytes() {
    Map<String, JsonValue> keysJson = new LinkedHashMap<>();
    Base64.Encoder b64 = Base64.getEncoder();
    keys.forEach(
        (id, k) -> {
          Map<String, JsonValue> m = new LinkedHashMap<>();
          m.put("alg", new JsonString(k.verifier().algorithm().wire()));
          m.put("public_key", new JsonString(b64.encodeToString(k.verifier().spki())));
          k.hybridOf().ifPresent(h -> m.put("hybrid_of", new JsonString(h.hex())));
          k.label().ifPresent(l -> m.put("label", new JsonString(l)));
          keysJson.put(id.hex(), new JsonObject(m));
        });
    Map<String, JsonValue> rolesJson = new LinkedHashMap<>();
    roles.forEach(
        (role, rk) -> {
          List<JsonValue> ids = new ArrayList<>();
          rk.keys().forEach(id -> ids.add(new JsonString(id.hex())));
          Map<String, JsonValue> m = new LinkedHashMap<>();
          m.put("keys", new JsonArray(ids));
          m.put("threshold", new JsonInteger(rk.threshold()));
          rolesJson.put(role.wire(), new JsonObject(m));
        });
    Map<String, JsonValue> m = new LinkedHashMap<>();
    m.put("v", new JsonInteger(FORMAT_VERSION));
    m.put("version", new JsonInteger(version));
    m.put("expires", new JsonInteger(expires.getEpochSecond()));
    m.put("trust_domain", new JsonString(trustDomain));
    m.put("keys", new JsonObject(keysJson));
    m.put("roles", new JsonObject(rolesJson));
    m.put("policy", policy.toJson());
    return CanonicalJson.write(new JsonObject(m));
  }

  /** The ML-DSA-65 partner of a classical key, if the root lists one. */
  public Optional<KeyId> hybridPartnerOf(KeyId classical) {
    for (Map.Entry<KeyId, TrustedKey> e : keys.entrySet()) {
      if (e.getValue().hybridOf().equals(Optional.of(classical))) {
        return Optional.of(e.getKey());
      }
    }
    return Optional.empty();
  }

  /** The roles {@code key} holds. */
  public Set<Role> rolesOf(KeyId key) {
    Set<Role> out = java.util.EnumSet.noneOf(Role.class);
    roles.forEach(
        (role, rk) -> {
          if (rk.keys().contains(key)) {
            out.add(role);
          }
        });
    return out;
  }

  public RoleKeys role(Role role) {
    return roles.get(role);
  }

  private static WritDeniedException malformed(String detail) {
    return new WritDeniedException(Reason.MALFORMED, detail);
  }
}
