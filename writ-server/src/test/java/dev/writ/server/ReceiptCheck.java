package dev.writ.server;

import dev.writ.core.json.CanonicalJson;
import dev.writ.core.json.JsonLimits;
import dev.writ.core.json.JsonReader;
import dev.writ.core.json.JsonValue;
import dev.writ.core.json.JsonValue.JsonObject;
import dev.writ.core.json.JsonValue.JsonString;
import dev.writ.log.Checkpoint;
import dev.writ.log.NoteVerifierKey;
import dev.writ.log.Receipt;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;

/**
 * Checks a server answer's receipt by docs/spec/api.md section 3 with writ-log's {@link
 * Receipt#verify}, the check {@code writ submit} runs; throws at the first step that fails.
 */
final class ReceiptCheck {
  private static final JsonReader READER =
      new JsonReader(new JsonLimits(1 << 20, 8, 1 << 20, 64), JsonReader.Mode.INTEGERS_ONLY);

  private ReceiptCheck() {}

  /** Returns the checkpoint the receipt carries, after checking every step. */
  static Checkpoint verified(String answerJson, String vkey, byte[] envelope) throws Exception {
    Map<String, JsonValue> answer =
        ((JsonObject) READER.read(answerJson.getBytes(StandardCharsets.UTF_8))).members();
    String receipt = new String(CanonicalJson.write(answer.get("receipt")), StandardCharsets.UTF_8);
    return Receipt.verify(
            receipt,
            NoteVerifierKey.parse(vkey),
            envelope,
            ((JsonString) answer.get("decision")).value(),
            field(answer, "reason"),
            field(answer, "id"))
        .checkpoint();
  }

  private static Optional<String> field(Map<String, JsonValue> m, String name) {
    return m.get(name) instanceof JsonString s ? Optional.of(s.value()) : Optional.empty();
  }
}
