package dev.writ.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.writ.core.json.JsonLimits;
import dev.writ.core.json.JsonReader;
import dev.writ.core.json.JsonValue;
import dev.writ.core.json.JsonValue.JsonArray;
import dev.writ.core.json.JsonValue.JsonInteger;
import dev.writ.core.json.JsonValue.JsonObject;
import dev.writ.core.json.JsonValue.JsonString;
import dev.writ.log.Checkpoint;
import dev.writ.log.NoteVerifierKey;
import dev.writ.log.Rfc9162;
import dev.writ.log.SignedNotes;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * Checks a server answer's receipt by docs/spec/api.md section 3, steps 1 to 5, with writ-log's
 * primitives; throws (fails the test) at the first step that does not hold.
 */
final class ReceiptCheck {
  private static final JsonReader READER =
      new JsonReader(new JsonLimits(1 << 20, 8, 1 << 20, 64), JsonReader.Mode.INTEGERS_ONLY);

  private ReceiptCheck() {}

  /** Returns the checkpoint the receipt carries, after checking every step. */
  static Checkpoint verified(String answerJson, String vkey, byte[] envelope) throws Exception {
    Map<String, JsonValue> answer =
        ((JsonObject) READER.read(answerJson.getBytes(StandardCharsets.UTF_8))).members();
    Map<String, JsonValue> r = ((JsonObject) answer.get("receipt")).members();
    NoteVerifierKey key = NoteVerifierKey.parse(vkey);
    byte[] note = str(r, "checkpoint").getBytes(StandardCharsets.UTF_8);
    Checkpoint cp = Checkpoint.parse(SignedNotes.open(note, List.of(key)).text()); // steps 1, 2
    assertThat(cp.origin()).isEqualTo(key.name());
    long index = ((JsonInteger) r.get("index")).value();
    assertThat(index).isLessThan(cp.size()); // step 3
    byte[] leaf = Base64.getDecoder().decode(str(r, "leaf"));
    List<byte[]> proof = new ArrayList<>();
    for (JsonValue h : ((JsonArray) r.get("inclusion")).elements()) {
      proof.add(Base64.getDecoder().decode(((JsonString) h).value()));
    }
    Rfc9162.verifyInclusion(index, cp.size(), Rfc9162.leafHash(leaf), proof, cp.root()); // step 4
    Map<String, JsonValue> record = ((JsonObject) READER.readCanonical(leaf)).members(); // step 5
    assertThat(((JsonInteger) record.get("index")).value()).isEqualTo(index);
    String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(envelope));
    assertThat(str(record, "envelope_sha256")).isEqualTo(sha);
    assertThat(str(record, "decision")).isEqualTo(str(answer, "decision"));
    for (String f : List.of("reason", "id")) {
      if (record.containsKey(f)) {
        assertThat(str(record, f)).isEqualTo(str(answer, f));
      }
    }
    return cp;
  }

  private static String str(Map<String, JsonValue> m, String field) {
    return ((JsonString) m.get(field)).value();
  }
}
