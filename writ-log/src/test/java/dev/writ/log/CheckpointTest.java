package dev.writ.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.writ.log.LogVerificationException.Reason;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Checkpoint parsing and formatting, and a signed checkpoint round trip. */
class CheckpointTest {
  private static final String ROOT = "TszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBb0=";

  /** A fixed test key: 32 bytes 0x01..0x20, never used outside tests. */
  private static Ed25519PrivateKeyParameters testKey() {
    byte[] seed = new byte[32];
    for (int i = 0; i < seed.length; i++) {
      seed[i] = (byte) (i + 1);
    }
    return new Ed25519PrivateKeyParameters(seed, 0);
  }

  @Test
  void parse_withExtensionLines_keepsThemInOrder() throws LogVerificationException {
    Checkpoint c = Checkpoint.parse("example.com/log\n0\n" + ROOT + "\next one\next two\n");
    assertThat(c.size()).isZero();
    assertThat(c.extensions()).containsExactly("ext one", "ext two");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "example.com/log\n01\n" + ROOT + "\n",
        "example.com/log\n+1\n" + ROOT + "\n",
        "example.com/log\n-1\n" + ROOT + "\n",
        "example.com/log\n 1\n" + ROOT + "\n",
        "example.com/log\n9223372036854775808\n" + ROOT + "\n",
        "example.com/log\n12\n" + ROOT,
        "example.com/log\n12\n",
        "\n12\n" + ROOT + "\n",
        "example.com/log\n12\n" + ROOT + "\n\n",
        "example.com/log\n12\nTszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBb0\n",
        "example.com/log\n12\nAAAA\n",
        "example.com/log\r\n12\n" + ROOT + "\n",
      })
  void parse_malformedBody_failsWithMalformedCheckpoint(String body) {
    assertThatThrownBy(() -> Checkpoint.parse(body))
        .isInstanceOfSatisfying(
            LogVerificationException.class,
            e -> assertThat(e.reason()).isEqualTo(Reason.MALFORMED_CHECKPOINT));
  }

  @Test
  void parse_maxLongSize_isAccepted() throws LogVerificationException {
    assertThat(Checkpoint.parse("o\n9223372036854775807\n" + ROOT + "\n").size())
        .isEqualTo(Long.MAX_VALUE);
  }

  @Test
  void signedCheckpoint_roundTrip_verifiesAndParsesBack() throws LogVerificationException {
    MerkleTree tree =
        MerkleTree.ofLeafHashes(
            List.of(Rfc9162.leafHash(new byte[] {1}), Rfc9162.leafHash(new byte[] {2})));
    Checkpoint checkpoint = Checkpoint.of("writ.example/audit", 2, tree.root(), List.of());
    LogKeySigner signer = new LogKeySigner("writ.example/audit", testKey());

    byte[] note = signer.sign(checkpoint.format());
    NoteVerifierKey vkey = NoteVerifierKey.parse(signer.verifierKey().toString());
    VerifiedNote opened = SignedNotes.open(note, List.of(vkey));

    assertThat(opened.signers()).containsExactly(vkey);
    assertThat(Checkpoint.parse(opened.text())).isEqualTo(checkpoint);
  }

  @Test
  void signedCheckpoint_sizeChangedAfterSigning_failsWithBadSignature() {
    LogKeySigner signer = new LogKeySigner("writ.example/audit", testKey());
    String body = "writ.example/audit\n2\n" + ROOT + "\n";
    String note = new String(signer.sign(body), StandardCharsets.UTF_8);
    byte[] forged = note.replaceFirst("\n2\n", "\n3\n").getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> SignedNotes.open(forged, List.of(signer.verifierKey())))
        .isInstanceOfSatisfying(
            LogVerificationException.class,
            e -> assertThat(e.reason()).isEqualTo(Reason.BAD_SIGNATURE));
  }

  @Test
  void open_noteOverSizeLimit_failsWithMalformedNote() {
    byte[] big = new byte[LogLimits.MAX_NOTE_BYTES + 1];
    java.util.Arrays.fill(big, (byte) 'a');
    LogKeySigner signer = new LogKeySigner("k", testKey());
    assertThatThrownBy(() -> SignedNotes.open(big, List.of(signer.verifierKey())))
        .isInstanceOfSatisfying(
            LogVerificationException.class,
            e -> assertThat(e.reason()).isEqualTo(Reason.MALFORMED_NOTE));
  }
}
