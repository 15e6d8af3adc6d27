package dev.writ.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.SecureRandom;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link LogKeySigner#generate}: fresh keys that sign notes their verifier key opens. */
class LogKeySignerTest {
  private static final String NAME = "writ.example/log";

  @Test
  void generate_signedNote_opensUnderItsVerifierKey() throws Exception {
    LogKeySigner signer = LogKeySigner.generate(NAME, new SecureRandom());
    byte[] note = signer.sign("hello\n");
    VerifiedNote opened = SignedNotes.open(note, List.of(signer.verifierKey()));
    assertThat(opened.text()).isEqualTo("hello\n");
    assertThat(signer.verifierKey().name()).isEqualTo(NAME);
  }

  @Test
  void generate_verifierKeyString_parsesBackToTheSameKey() throws Exception {
    NoteVerifierKey key = LogKeySigner.generate(NAME, new SecureRandom()).verifierKey();
    assertThat(NoteVerifierKey.parse(key.toString())).isEqualTo(key);
  }

  @Test
  void generate_twice_givesDifferentKeys() {
    SecureRandom random = new SecureRandom();
    assertThat(LogKeySigner.generate(NAME, random).verifierKey())
        .isNotEqualTo(LogKeySigner.generate(NAME, random).verifierKey());
  }

  @Test
  void generate_otherSignersNote_doesNotOpen() {
    SecureRandom random = new SecureRandom();
    byte[] note = LogKeySigner.generate(NAME, random).sign("hello\n");
    NoteVerifierKey other = LogKeySigner.generate(NAME, random).verifierKey();
    assertThatThrownBy(() -> SignedNotes.open(note, List.of(other)))
        .isInstanceOf(LogVerificationException.class);
  }

  @Test
  void generate_invalidName_throwsIllegalArgument() {
    assertThatThrownBy(() -> LogKeySigner.generate("has space", new SecureRandom()))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void toString_doesNotPrintTheKey() {
    LogKeySigner signer = LogKeySigner.generate(NAME, new SecureRandom());
    assertThat(signer.toString()).isEqualTo("LogKeySigner[" + NAME + "]");
  }
}
