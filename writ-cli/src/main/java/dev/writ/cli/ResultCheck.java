package dev.writ.cli;

import dev.writ.core.WorkResult;
import dev.writ.core.WritDeniedException;
import dev.writ.core.WritId;
import dev.writ.core.json.CanonicalJson;
import dev.writ.core.json.JsonException;
import dev.writ.core.json.JsonLimits;
import dev.writ.core.json.JsonReader;
import dev.writ.core.json.JsonValue;
import dev.writ.core.json.JsonValue.JsonInteger;
import dev.writ.core.json.JsonValue.JsonObject;
import dev.writ.core.json.JsonValue.JsonString;
import dev.writ.identity.svid.ResultSignature;
import dev.writ.identity.svid.SvidException;
import dev.writ.identity.svid.SvidValidator;
import dev.writ.identity.svid.TrustBundle;
import dev.writ.identity.svid.X509Svid;
import dev.writ.log.LogVerificationException;
import dev.writ.log.NoteVerifierKey;
import dev.writ.log.Receipt;
import dev.writ.log.ResultReceipt;
import dev.writ.log.ResultRecord;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Verifies one entry of {@code GET /v1/work/<id>/results} (docs/spec/work.md section 8) top-down,
 * void-or-throw: the receipt under the pinned log key (log.md section 12, steps 0 to 4, and a
 * result record, section 13); the entry's index and leaf are the receipt's; the record's
 * certificate is an SVID of the bundle at the record's time, for the record's node; the signature
 * verifies under it; the signed document is a strict {@link WorkResult} of that node for the writ
 * asked about. Only {@link #verify} makes a {@link Verified}. Stateless.
 */
final class ResultCheck {
  private static final Set<String> ENTRY = Set.of("index", "leaf", "receipt");

  /** A result document: WorkResult's own bounds (4 KiB, depth 2). */
  private static final JsonReader DOCUMENT =
      new JsonReader(
          new JsonLimits(WorkResult.MAX_BYTES, 2, WorkResult.MAX_BYTES, 16),
          JsonReader.Mode.INTEGERS_ONLY);

  /**
   * A result that passed every check.
   *
   * @param receipt the verified receipt of its leaf
   * @param svid the node's SVID, validated under the bundle at the record's time
   * @param result the signed document, parsed
   */
  record Verified(ResultReceipt receipt, X509Svid svid, WorkResult result) {
    /** The signed document as JSON members (for {@code --json}). */
    Map<String, JsonValue> documentMembers() {
      return ((JsonObject) ResultCheck.json(receipt.record().result())).members();
    }
  }

  private ResultCheck() {}

  /**
   * Verifies entry {@code n} (for messages) of the results of writ {@code id}.
   *
   * @throws CliException naming the entry and the first check that failed
   */
  static Verified verify(JsonValue entry, int n, WritId id, NoteVerifierKey key, TrustBundle bundle)
      throws CliException {
    String what = "result " + n + " of writ " + id;
    if (!(entry instanceof JsonObject(Map<String, JsonValue> m)) || !m.keySet().equals(ENTRY)) {
      throw new CliException(what + " is not {index, leaf, receipt}");
    }
    ResultReceipt receipt = receipt(m, what, key);
    ResultRecord record = receipt.record();
    X509Svid svid = svid(record, what, bundle);
    if (!ResultSignature.verify(svid, record.result(), record.signature())) {
      throw new CliException(
          what + ": the signature does not verify under the certificate of " + svid.id());
    }
    WorkResult result = document(record, what, id);
    return new Verified(receipt, svid, result);
  }

  /** The receipt verifies under the log key and is the entry's index and leaf. */
  private static ResultReceipt receipt(Map<String, JsonValue> m, String what, NoteVerifierKey key)
      throws CliException {
    if (!(m.get("receipt") instanceof JsonObject receipt)) {
      throw new CliException(what + " has no receipt object");
    }
    ResultReceipt verified;
    try {
      verified =
          Receipt.verifyResult(
              new String(CanonicalJson.write(receipt), StandardCharsets.UTF_8), key);
    } catch (LogVerificationException e) {
      throw new CliException(what + ": the receipt does not verify: " + e.getMessage(), e);
    }
    if (!(m.get("index") instanceof JsonInteger(long index)) || index != verified.index()) {
      throw new CliException(what + ": its index is not its receipt's " + verified.index());
    }
    Optional<byte[]> leaf = base64(m.get("leaf"));
    if (leaf.isEmpty() || !Arrays.equals(leaf.get(), verified.leaf())) {
      throw new CliException(what + ": its leaf is not the leaf its receipt proves");
    }
    return verified;
  }

  /** The record's certificate is an SVID of the bundle, at the record's time, of its node. */
  private static X509Svid svid(ResultRecord record, String what, TrustBundle bundle)
      throws CliException {
    X509Certificate cert;
    try {
      byte[] der = record.cert();
      cert =
          (X509Certificate)
              CertificateFactory.getInstance("X.509")
                  .generateCertificate(new ByteArrayInputStream(der));
      if (!Arrays.equals(cert.getEncoded(), der)) {
        throw new CliException(what + ": its certificate is not one DER certificate");
      }
    } catch (CertificateException | ClassCastException e) {
      throw new CliException(what + ": its certificate does not parse: " + e.getMessage(), e);
    }
    X509Svid svid;
    try {
      svid = SvidValidator.validate(List.of(cert), bundle, Instant.ofEpochSecond(record.time()));
    } catch (SvidException e) {
      throw new CliException(
          what
              + ": its certificate is not an SVID of the bundle at "
              + Instant.ofEpochSecond(record.time())
              + ": "
              + e.getMessage(),
          e);
    }
    if (!svid.id().equals(record.node())) {
      throw new CliException(
          what + ": the record names " + record.node() + " but its certificate is " + svid.id());
    }
    return svid;
  }

  /** The signed document is a strict result of the record's node for writ {@code id}. */
  private static WorkResult document(ResultRecord record, String what, WritId id)
      throws CliException {
    WorkResult result;
    try {
      result = WorkResult.parse(record.result());
    } catch (WritDeniedException e) {
      throw new CliException(what + ": the signed document is not a result: " + e.detail(), e);
    }
    if (!result.node().equals(record.node())) {
      throw new CliException(
          what + ": the document is of " + result.node() + ", the record of " + record.node());
    }
    if (!result.id().map(id::equals).orElse(false)) {
      throw new CliException(
          what
              + ": the document answers writ "
              + result.id().map(WritId::toString).orElse("(none)")
              + ", not "
              + id);
    }
    return result;
  }

  /** Standard, padded, canonical base64; empty for anything else. */
  private static Optional<byte[]> base64(JsonValue v) {
    if (!(v instanceof JsonString(String s))) {
      return Optional.empty();
    }
    try {
      byte[] raw = Base64.getDecoder().decode(s);
      return Base64.getEncoder().encodeToString(raw).equals(s)
          ? Optional.of(raw)
          : Optional.empty();
    } catch (IllegalArgumentException e) {
      return Optional.empty(); // not base64: refused by the caller
    }
  }

  /** A verified document is canonical JSON of at most 4 KiB (WorkResult parsed it). */
  static JsonValue json(byte[] document) {
    try {
      return DOCUMENT.readCanonical(document);
    } catch (JsonException e) {
      throw new IllegalStateException("a parsed result document is JSON", e);
    }
  }
}
