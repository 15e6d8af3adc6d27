package dev.writ.agent;

import dev.writ.core.SpiffeId;
import dev.writ.core.json.CanonicalJson;
import dev.writ.core.json.JsonException;
import dev.writ.core.json.JsonLimits;
import dev.writ.core.json.JsonReader;
import dev.writ.core.json.JsonValue;
import dev.writ.core.json.JsonValue.JsonArray;
import dev.writ.core.json.JsonValue.JsonObject;
import dev.writ.core.json.JsonValue.JsonString;
import dev.writ.identity.EvidenceBinding;
import dev.writ.identity.svid.NodeKey;
import dev.writ.identity.svid.SvidCredentials;
import dev.writ.identity.svid.SvidException;
import dev.writ.identity.svid.SvidPem;
import dev.writ.identity.svid.TrustBundle;
import dev.writ.identity.tls.MtlsContexts;
import dev.writ.identity.tls.RefusalListener;
import dev.writ.identity.tls.SvidClientTrustManager;
import dev.writ.identity.tls.SvidKeyManager;
import dev.writ.identity.tpm.TpmQuote;
import dev.writ.identity.tpm.TpmToolException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import javax.net.ssl.SSLContext;

/**
 * The agent's side of enrollment (docs/spec/enrollment.md section 3): it generates its own key,
 * asks the server for a challenge with its writ, answers with fresh evidence bound to the challenge
 * and the key, and receives its X.509-SVID. It talks only to the server it was given, over TLS 1.3,
 * trusting only the bundle it was given and only the server's SPIFFE ID; it opens no listener.
 *
 * <p>Not thread-safe: one enrollment per instance.
 */
public final class Enroller {
  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  private static final JsonReader READER =
      new JsonReader(new JsonLimits(256 * 1024, 4, 128 * 1024, 64), JsonReader.Mode.INTEGERS_ONLY);

  /**
   * What to enroll. {@code tpm} empty: no evidence, the node enrolls {@code degraded}. The envelope
   * is copied in and only ever read.
   */
  @SuppressWarnings("ArrayRecordComponent") // copied in the constructor, never written
  public record Request(
      URI server,
      TrustBundle bundle,
      String name,
      byte[] envelope,
      Optional<TpmDevice> tpm,
      SortedMap<String, String> advisory) {
    public Request {
      envelope = envelope.clone();
    }
  }

  /** The outcome: identity, posture, credentials and the receipt of the audited allow. */
  public record Enrolled(
      SpiffeId id, String posture, SvidCredentials credentials, String bundlePem, String receipt) {}

  private final Clock clock;
  private final SecureRandom random;

  public Enroller(Clock clock, SecureRandom random) {
    this.clock = clock;
    this.random = random;
  }

  public Enrolled enroll(Request r) throws EnrollException {
    SpiffeId serverId = new SpiffeId(r.bundle().trustDomain().name(), "/writ/server");
    HttpClient http = client(r.bundle(), serverId);
    NodeKey keys = NodeKey.generate(random);
    byte[] csr = keys.csr(r.name());
    Base64.Encoder b64 = Base64.getEncoder();

    Map<String, JsonValue> challengeBody = new LinkedHashMap<>();
    challengeBody.put("envelope", str(b64.encodeToString(r.envelope())));
    challengeBody.put("node", str(r.name()));
    List<X509Certificate> ekChain = List.of();
    byte[] akPublic = new byte[0];
    try {
      if (r.tpm().isPresent()) {
        ekChain = r.tpm().get().ekChain();
        akPublic = r.tpm().get().akPublic();
        challengeBody.put("evidence_kind", str("tpm2"));
        challengeBody.put("ek_chain", ders(ekChain));
        challengeBody.put("ak_public", str(b64.encodeToString(akPublic)));
      } else {
        challengeBody.put("evidence_kind", str("none"));
      }
    } catch (TpmToolException e) {
      throw new EnrollException("TPM: " + e.getMessage(), e);
    }
    JsonObject challenge = post(http, r.server().resolve("/v1/enroll/challenge"), challengeBody);
    byte[] nonce = bytes(challenge, "challenge");

    Map<String, JsonValue> body = new LinkedHashMap<>();
    body.put("envelope", str(b64.encodeToString(r.envelope())));
    body.put("node", str(r.name()));
    body.put("challenge", str(b64.encodeToString(nonce)));
    body.put("csr", str(b64.encodeToString(csr)));
    if (!r.advisory().isEmpty()) {
      Map<String, JsonValue> a = new LinkedHashMap<>();
      r.advisory().forEach((k, v) -> a.put(k, str(v)));
      body.put("advisory", new JsonObject(a));
    }
    if (r.tpm().isPresent()) {
      byte[] binding = EvidenceBinding.binding(nonce, keys.publicKey().getEncoded());
      try {
        byte[] secret = r.tpm().get().activate(bytes(challenge, "credential_blob"));
        TpmQuote q = r.tpm().get().quote(EvidenceBinding.tpm(binding));
        Map<String, JsonValue> e = new LinkedHashMap<>();
        e.put("ek_chain", ders(ekChain));
        e.put("ak_public", str(b64.encodeToString(akPublic)));
        e.put("quote", str(b64.encodeToString(q.quote())));
        e.put("signature", str(b64.encodeToString(q.signature())));
        List<JsonValue> pcrs = new ArrayList<>();
        q.pcrs().hex().forEach((id, hex) -> pcrs.add(str(id + ":" + hex)));
        e.put("pcrs", new JsonArray(pcrs));
        e.put("activated_secret", str(b64.encodeToString(secret)));
        body.put("evidence", new JsonObject(e));
      } catch (TpmToolException ex) {
        throw new EnrollException("TPM: " + ex.getMessage(), ex);
      }
    }
    JsonObject answer = post(http, r.server().resolve("/v1/enroll"), body);
    return accept(answer, keys, r.bundle());
  }

  private Enrolled accept(JsonObject answer, NodeKey keys, TrustBundle bundle)
      throws EnrollException {
    String svidPem = string(answer, "svid");
    try {
      SvidPem.Parsed parsed =
          SvidPem.parse(
              svidPem.getBytes(StandardCharsets.US_ASCII),
              PemKeys.pkcs8(keys.privateKey()).getBytes(StandardCharsets.US_ASCII));
      SvidCredentials creds =
          SvidCredentials.of(
              dev.writ.identity.svid.SvidValidator.validate(
                  parsed.chain(), bundle, clock.instant()),
              parsed.privateKey());
      return new Enrolled(
          creds.svid().id(),
          string(answer, "posture"),
          creds,
          string(answer, "bundle"),
          new String(CanonicalJson.write(answer.members().get("receipt")), StandardCharsets.UTF_8));
    } catch (SvidException e) {
      throw new EnrollException("the server's SVID does not validate: " + e.getMessage(), e);
    }
  }

  private HttpClient client(TrustBundle bundle, SpiffeId serverId) throws EnrollException {
    SSLContext context;
    try {
      context =
          MtlsContexts.client(
              SvidKeyManager.empty(),
              new SvidClientTrustManager(() -> bundle, clock, serverId, RefusalListener.NONE),
              random);
    } catch (GeneralSecurityException e) {
      throw new EnrollException("cannot build the TLS client: " + e.getMessage(), e);
    }
    return HttpClient.newBuilder()
        .sslContext(context)
        .sslParameters(MtlsContexts.clientParameters())
        .connectTimeout(TIMEOUT)
        .version(HttpClient.Version.HTTP_1_1)
        .build();
  }

  private JsonObject post(HttpClient http, URI uri, Map<String, JsonValue> body)
      throws EnrollException {
    HttpResponse<byte[]> response;
    try {
      response =
          http.send(
              HttpRequest.newBuilder(uri)
                  .timeout(TIMEOUT)
                  .header("Content-Type", "application/json")
                  .POST(
                      HttpRequest.BodyPublishers.ofByteArray(
                          CanonicalJson.write(new JsonObject(body))))
                  .build(),
              HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      throw new EnrollException("cannot reach " + uri + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new EnrollException("interrupted", e);
    }
    JsonObject o;
    try {
      if (!(READER.read(response.body()) instanceof JsonObject obj)) {
        throw new EnrollException(
            uri + " answered " + response.statusCode() + " without a JSON object");
      }
      o = obj;
    } catch (JsonException e) {
      throw new EnrollException(
          uri + " answered " + response.statusCode() + " with unreadable JSON", e);
    }
    if (response.statusCode() != 200) {
      String reason = o.members().get("reason") instanceof JsonString(String s) ? s : "UNKNOWN";
      String detail = o.members().get("detail") instanceof JsonString(String s) ? ": " + s : "";
      throw new EnrollException(
          reason, "refused (" + response.statusCode() + " " + reason + ")" + detail);
    }
    return o;
  }

  private static JsonValue ders(List<X509Certificate> certs) throws EnrollException {
    List<JsonValue> out = new ArrayList<>();
    for (X509Certificate c : certs) {
      try {
        out.add(str(Base64.getEncoder().encodeToString(c.getEncoded())));
      } catch (CertificateEncodingException e) {
        throw new EnrollException("cannot encode the EK certificate chain", e);
      }
    }
    return new JsonArray(out);
  }

  private static JsonString str(String s) {
    return new JsonString(s);
  }

  private static String string(JsonObject o, String name) throws EnrollException {
    if (o.members().get(name) instanceof JsonString(String s)) {
      return s;
    }
    throw new EnrollException("the server's answer has no " + name);
  }

  private static byte[] bytes(JsonObject o, String name) throws EnrollException {
    try {
      return Base64.getDecoder().decode(string(o, name));
    } catch (IllegalArgumentException e) {
      throw new EnrollException("the server's " + name + " is not base64", e);
    }
  }
}
