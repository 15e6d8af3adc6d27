package dev.writ.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.List;
import org.junit.jupiter.api.Test;

/** log.md section 3: control characters are Unicode Cc, C1 included. */
class TextTest {
  @Test
  void noControlExceptNewline_refusesC0DelAndC1_acceptsNewlineAndOtherText() {
    assertThat(Text.noControlExceptNewline("a\nb — ü\n")).isTrue();
    for (char c :
        new char[] {'\u0000', '\t', '\r', '\u001f', '\u007f', '\u0080', '\u0085', '\u009f'}) {
      assertThat(Text.noControlExceptNewline("a" + c + "\n")).as("U+%04X", (int) c).isFalse();
    }
  }

  @Test
  void signedNote_withC1InText_isMalformed() {
    LogKeySigner signer = LogKeySigner.generate("n", new SecureRandom());
    String note = new String(signer.sign("hello\n"), StandardCharsets.UTF_8);
    byte[] withC1 = note.replace("hello", "hel\u0085lo").getBytes(StandardCharsets.UTF_8);

    assertThatThrownBy(() -> SignedNotes.open(withC1, List.of(signer.verifierKey())))
        .isInstanceOf(LogVerificationException.class)
        .hasMessageContaining("control");
  }

  @Test
  void keyName_withC1_isRefused() {
    assertThat(NoteVerifierKey.nameProblem("a\u0085b")).isPresent();
    assertThat(NoteVerifierKey.nameProblem("a\u00a0b")).isPresent(); // no-break space, Zs
  }
}
