package dev.writ.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.writ.log.LogVerificationException.Reason;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** golang.org/x/mod's signed-note and tree-note cases (shared/vectors/signed-note). */
class SignedNoteVectorTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static Optional<JsonNode> vectors() throws IOException {
    Optional<Path> dir = LogConformanceData.dir("signed-note");
    if (dir.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(JSON.readTree(dir.get().resolve("go-note-vectors.json").toFile()));
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void peterNote_withPeterKey_verifies() throws Exception {
    Optional<JsonNode> v = vectors();
    if (v.isEmpty()) {
      return;
    }
    JsonNode j = v.get();
    NoteVerifierKey peter = NoteVerifierKey.parse(j.get("peter_vkey").asText());
    assertThat(peter.toString()).isEqualTo(j.get("peter_vkey").asText());
    String text = j.get("peter_text").asText();
    VerifiedNote note =
        SignedNotes.open(utf8(text + "\n" + j.get("peter_sig_line").asText()), List.of(peter));
    assertThat(note.text()).isEqualTo(text);
    assertThat(note.signers()).containsExactly(peter);
  }

  @Test
  void peterNote_withAbcdInsertedInSignature_failsWithBadSignature() throws Exception {
    Optional<JsonNode> v = vectors();
    if (v.isEmpty()) {
      return;
    }
    JsonNode j = v.get();
    NoteVerifierKey peter = NoteVerifierKey.parse(j.get("peter_vkey").asText());
    String sig = j.get("peter_sig_line").asText();
    String bad = sig.substring(0, 60) + "ABCD" + sig.substring(60);
    byte[] note = utf8(j.get("peter_text").asText() + "\n" + bad);
    assertThatThrownBy(() -> SignedNotes.open(note, List.of(peter)))
        .isInstanceOfSatisfying(
            LogVerificationException.class,
            e -> assertThat(e.reason()).isEqualTo(Reason.BAD_SIGNATURE));
  }

  @Test
  void bothSignatures_withBothKeys_bothVerify() throws Exception {
    Optional<JsonNode> v = vectors();
    if (v.isEmpty()) {
      return;
    }
    JsonNode j = v.get();
    NoteVerifierKey peter = NoteVerifierKey.parse(j.get("peter_vkey").asText());
    NoteVerifierKey enoch = NoteVerifierKey.parse(j.get("enoch_vkey").asText());
    String note =
        j.get("peter_text").asText()
            + "\n"
            + j.get("peter_sig_line").asText()
            + j.get("enoch_sig_line").asText();
    VerifiedNote opened = SignedNotes.open(utf8(note), List.of(enoch, peter));
    assertThat(opened.signers()).containsExactly(peter, enoch);
  }

  @Test
  void enochSignature_withOnlyPeterKey_isIgnored() throws Exception {
    Optional<JsonNode> v = vectors();
    if (v.isEmpty()) {
      return;
    }
    JsonNode j = v.get();
    NoteVerifierKey peter = NoteVerifierKey.parse(j.get("peter_vkey").asText());
    String note =
        j.get("peter_text").asText()
            + "\n"
            + j.get("peter_sig_line").asText()
            + j.get("enoch_sig_line").asText();
    assertThat(SignedNotes.open(utf8(note), List.of(peter)).signers()).containsExactly(peter);
  }

  @Test
  void enochSignatureOnly_withOnlyPeterKey_failsWithNoKnownSignature() throws Exception {
    Optional<JsonNode> v = vectors();
    if (v.isEmpty()) {
      return;
    }
    JsonNode j = v.get();
    NoteVerifierKey peter = NoteVerifierKey.parse(j.get("peter_vkey").asText());
    byte[] note = utf8(j.get("peter_text").asText() + "\n" + j.get("enoch_sig_line").asText());
    assertThatThrownBy(() -> SignedNotes.open(note, List.of(peter)))
        .isInstanceOfSatisfying(
            LogVerificationException.class,
            e -> assertThat(e.reason()).isEqualTo(Reason.NO_KNOWN_SIGNATURE));
  }

  @Test
  void malformedNotes_everyOne_failsWithMalformedNote() throws Exception {
    Optional<JsonNode> v = vectors();
    if (v.isEmpty()) {
      return;
    }
    JsonNode j = v.get();
    NoteVerifierKey peter = NoteVerifierKey.parse(j.get("peter_vkey").asText());
    int n = 0;
    for (JsonNode c : j.get("malformed_notes")) {
      byte[] note =
          c.has("note_hex")
              ? HexFormat.of().parseHex(c.get("note_hex").asText())
              : utf8(c.get("note").asText());
      assertThatThrownBy(() -> SignedNotes.open(note, List.of(peter)))
          .as(c.get("desc").asText())
          .isInstanceOfSatisfying(
              LogVerificationException.class,
              e -> assertThat(e.reason()).isEqualTo(Reason.MALFORMED_NOTE));
      n++;
    }
    assertThat(n).isEqualTo(7);
  }

  @Test
  void badVerifierKeys_everyOne_failsWithMalformedKey() throws Exception {
    Optional<JsonNode> v = vectors();
    if (v.isEmpty()) {
      return;
    }
    int n = 0;
    for (JsonNode c : v.get().get("bad_vkeys")) {
      assertThatThrownBy(() -> NoteVerifierKey.parse(c.get("vkey").asText()))
          .as(c.get("desc").asText())
          .isInstanceOfSatisfying(
              LogVerificationException.class,
              e -> assertThat(e.reason()).isEqualTo(Reason.MALFORMED_KEY));
      n++;
    }
    assertThat(n).isEqualTo(4);
  }

  @Test
  void sumdbTreeNote_parsesToSizeAndLeafHashOfHelloWorld() throws Exception {
    Optional<JsonNode> v = vectors();
    if (v.isEmpty()) {
      return;
    }
    JsonNode j = v.get();
    Checkpoint c = Checkpoint.parse(j.get("sumdb_tree_note").asText());
    assertThat(c.origin()).isEqualTo("go.sum database tree");
    assertThat(c.size()).isEqualTo(j.get("sumdb_tree_size").asLong()).isEqualTo(123456789012L);
    assertThat(c.root()).isEqualTo(Rfc9162.leafHash(utf8(j.get("sumdb_tree_record").asText())));
    assertThat(c.extensions()).isEmpty();
    assertThat(c.format()).isEqualTo(j.get("sumdb_tree_note").asText());
  }

  @Test
  void sumdbBadTrees_everyOne_failsWithMalformedCheckpoint() throws Exception {
    Optional<JsonNode> v = vectors();
    if (v.isEmpty()) {
      return;
    }
    int n = 0;
    for (JsonNode c : v.get().get("sumdb_bad_trees")) {
      assertThatThrownBy(() -> Checkpoint.parse(c.get("note").asText()))
          .as(c.get("desc").asText())
          .isInstanceOfSatisfying(
              LogVerificationException.class,
              e -> assertThat(e.reason()).isEqualTo(Reason.MALFORMED_CHECKPOINT));
      n++;
    }
    assertThat(n).isEqualTo(2);
  }
}
