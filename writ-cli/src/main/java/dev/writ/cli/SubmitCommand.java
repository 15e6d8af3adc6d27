package dev.writ.cli;

import dev.writ.core.Limits;
import dev.writ.core.json.CanonicalJson;
import dev.writ.core.json.JsonException;
import dev.writ.core.json.JsonLimits;
import dev.writ.core.json.JsonReader;
import dev.writ.core.json.JsonValue;
import dev.writ.core.json.JsonValue.JsonObject;
import dev.writ.core.json.JsonValue.JsonString;
import dev.writ.log.LogVerificationException;
import dev.writ.log.NoteVerifierKey;
import dev.writ.log.Receipt;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "submit",
    mixinStandardHelpOptions = true,
    description = {
      "Submit a writ to the server (POST /v1/writs) and verify the receipt of its decision:",
      "the checkpoint signature by the log key, the RFC 9162 inclusion proof, and that the",
      "committed decision record is this envelope's and this answer's (docs/spec/api.md).",
      "Prints the answer as one JSON line with \"receipt_verified\":true added.",
      "Exit status: 0 allowed, 1 denied, 2 usage error, unreachable server or a receipt",
      "that does not verify, 3 not decided (rate limited, overloaded, ledger unavailable:",
      "retry later)."
    })
final class SubmitCommand implements Callable<Integer> {
  static final int NOT_DECIDED = 3;

  /** An answer is a few KiB (a receipt holds at most 64 hashes and one leaf). */
  private static final int MAX_ANSWER_BYTES = 256 * 1024;

  private static final JsonReader READER =
      new JsonReader(
          new JsonLimits(MAX_ANSWER_BYTES, 8, MAX_ANSWER_BYTES, 64), JsonReader.Mode.INTEGERS_ONLY);

  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private final WritCli.Env env;

  @Parameters(index = "0", paramLabel = "WRIT", description = "The writ envelope to submit.")
  Path writ;

  @Option(
      names = "--server",
      paramLabel = "URL",
      description = "The server's base URL (default: ${DEFAULT-VALUE}).",
      defaultValue = "http://127.0.0.1:7300")
  String server;

  @Option(
      names = "--log-key",
      required = true,
      paramLabel = "VKEY",
      description =
          "The log's verifier key as 'writ server' printed it (name+keyid+base64), or @FILE."
              + " Take it from the operator, not from the server you are checking.")
  String logKey;

  SubmitCommand(WritCli.Env env) {
    this.env = env;
  }

  @Override
  public Integer call() throws CliException {
    NoteVerifierKey key = AuditCommands.verifierKey(logKey);
    byte[] envelope = Files2.read(writ);
    if (envelope.length > Limits.MAX_ENVELOPE_BYTES) {
      throw new CliException(
          writ
              + " is "
              + envelope.length
              + " bytes; an envelope is at most "
              + Limits.MAX_ENVELOPE_BYTES);
    }
    HttpResponse<byte[]> response = post(envelope);
    Map<String, JsonValue> answer = parseAnswer(response);
    int status = response.statusCode();
    if (status == 429 || status == 503) {
      env.out().println(line(answer, false));
      return NOT_DECIDED;
    }
    String decision = field(answer, "decision").orElse("");
    boolean allowed = status == 200 && decision.equals("allow");
    boolean denied = (status == 400 || status == 403 || status == 413) && decision.equals("deny");
    if (!allowed && !denied) {
      throw new CliException("unexpected answer from " + server + ": HTTP " + status);
    }
    if (!(answer.get("receipt") instanceof JsonObject receipt)) {
      throw new CliException("the answer has no receipt; it is not an authorization");
    }
    // a 413's record hashes what the server read: nothing, since the length was declared
    byte[] hashed = status == 413 ? new byte[0] : envelope;
    try {
      Receipt.verify(
          new String(CanonicalJson.write(receipt), StandardCharsets.UTF_8),
          key,
          hashed,
          decision,
          field(answer, "reason"),
          field(answer, "id"));
    } catch (LogVerificationException e) {
      throw new CliException("the receipt does not verify: " + e.getMessage(), e);
    }
    env.out().println(line(answer, true));
    return allowed ? WritCli.OK : WritCli.DENIED;
  }

  private HttpResponse<byte[]> post(byte[] envelope) throws CliException {
    URI uri;
    try {
      uri = URI.create(server.endsWith("/") ? server + "v1/writs" : server + "/v1/writs");
    } catch (IllegalArgumentException e) {
      throw new CliException("--server is not a URL: " + server, e);
    }
    if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) {
      throw new CliException("--server must be an http or https URL: " + server);
    }
    try (HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build()) {
      return http.send(
          HttpRequest.newBuilder(uri)
              .timeout(TIMEOUT)
              .header("Content-Type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofByteArray(envelope))
              .build(),
          HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      throw new CliException("cannot reach " + server + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliException("interrupted while waiting for " + server, e);
    }
  }

  private Map<String, JsonValue> parseAnswer(HttpResponse<byte[]> response) throws CliException {
    byte[] body = response.body();
    if (body.length > MAX_ANSWER_BYTES) {
      throw new CliException("the answer from " + server + " is too large");
    }
    try {
      if (READER.read(body) instanceof JsonObject o) {
        return o.members();
      }
    } catch (JsonException e) {
      // reported below with the status
    }
    throw new CliException(
        "the answer from " + server + " (HTTP " + response.statusCode() + ") is not a JSON object");
  }

  private static Optional<String> field(Map<String, JsonValue> answer, String name) {
    return answer.get(name) instanceof JsonString s ? Optional.of(s.value()) : Optional.empty();
  }

  private static String line(Map<String, JsonValue> answer, boolean verified) {
    Map<String, JsonValue> m = new LinkedHashMap<>(answer);
    if (verified) {
      m.put("receipt_verified", new JsonValue.JsonBool(true));
    }
    return new String(CanonicalJson.write(new JsonObject(m)), StandardCharsets.UTF_8);
  }
}
