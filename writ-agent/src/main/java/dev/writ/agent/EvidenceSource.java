package dev.writ.agent;

import dev.writ.core.json.JsonValue;
import dev.writ.core.json.JsonValue.JsonArray;
import dev.writ.core.json.JsonValue.JsonObject;
import dev.writ.identity.EvidenceBinding;
import dev.writ.identity.tpm.TpmQuote;
import dev.writ.identity.tpm.TpmToolException;
import java.security.PublicKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The evidence an agent gives in enrollment and renewal (docs/spec/enrollment.md sections 3.2 to
 * 3.4): the challenge request's {@code evidence_kind} and TPM members, then the {@code evidence}
 * object that answers the challenge: the activated credential and a quote over the binding of the
 * nonce and the new key. Without a TPM the kind is {@code none} and there is no evidence.
 *
 * <p>Not thread-safe: it drives one TPM through one exchange.
 */
final class EvidenceSource {
  private final Optional<TpmDevice> tpm;
  private final List<X509Certificate> ekChain;
  private final byte[] akPublic;

  private EvidenceSource(Optional<TpmDevice> tpm, List<X509Certificate> ekChain, byte[] akPublic) {
    this.tpm = tpm;
    this.ekChain = ekChain;
    this.akPublic = akPublic;
  }

  /** Reads the EK chain and the AK (creating it if missing) of {@code tpm}, if there is one. */
  static EvidenceSource of(Optional<TpmDevice> tpm) throws EnrollException {
    if (tpm.isEmpty()) {
      return new EvidenceSource(tpm, List.of(), new byte[0]);
    }
    try {
      return new EvidenceSource(tpm, tpm.get().ekChain(), tpm.get().akPublic());
    } catch (TpmToolException e) {
      throw new EnrollException("TPM: " + e.getMessage(), e);
    }
  }

  /** Puts {@code evidence_kind} and, for a TPM, {@code ek_chain} and {@code ak_public}. */
  void challengeMembers(Map<String, JsonValue> body) throws EnrollException {
    if (tpm.isEmpty()) {
      body.put("evidence_kind", ServerClient.str("none"));
      return;
    }
    body.put("evidence_kind", ServerClient.str("tpm2"));
    body.put("ek_chain", ders(ekChain));
    body.put("ak_public", ServerClient.str(b64(akPublic)));
  }

  /**
   * The {@code evidence} answering {@code challenge} for the new key {@code key}; empty without a
   * TPM.
   */
  Optional<JsonObject> answer(JsonObject challenge, PublicKey key) throws EnrollException {
    if (tpm.isEmpty()) {
      return Optional.empty();
    }
    byte[] nonce = ServerClient.bytes(challenge, "challenge");
    byte[] binding = EvidenceBinding.binding(nonce, key.getEncoded());
    try {
      byte[] secret = tpm.get().activate(ServerClient.bytes(challenge, "credential_blob"));
      TpmQuote q = tpm.get().quote(EvidenceBinding.tpm(binding));
      Map<String, JsonValue> e = new LinkedHashMap<>();
      e.put("ek_chain", ders(ekChain));
      e.put("ak_public", ServerClient.str(b64(akPublic)));
      e.put("quote", ServerClient.str(b64(q.quote())));
      e.put("signature", ServerClient.str(b64(q.signature())));
      List<JsonValue> pcrs = new ArrayList<>();
      q.pcrs().hex().forEach((id, hex) -> pcrs.add(ServerClient.str(id + ":" + hex)));
      e.put("pcrs", new JsonArray(pcrs));
      e.put("activated_secret", ServerClient.str(b64(secret)));
      return Optional.of(new JsonObject(e));
    } catch (TpmToolException ex) {
      throw new EnrollException("TPM: " + ex.getMessage(), ex);
    }
  }

  private static JsonValue ders(List<X509Certificate> certs) throws EnrollException {
    List<JsonValue> out = new ArrayList<>();
    for (X509Certificate c : certs) {
      try {
        out.add(ServerClient.str(b64(c.getEncoded())));
      } catch (CertificateEncodingException e) {
        throw new EnrollException("cannot encode the EK certificate chain", e);
      }
    }
    return new JsonArray(out);
  }

  private static String b64(byte[] b) {
    return Base64.getEncoder().encodeToString(b);
  }
}
