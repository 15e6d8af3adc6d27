package dev.writ.identity.tpm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.writ.identity.AttestationException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The tpm2-tools client's failure paths and output readers, without a TPM. */
class Tpm2ToolsTest {
  @TempDir Path dir;

  @Test
  void constructor_badTctiOrMissingDirectory_refused() {
    assertThatThrownBy(() -> new Tpm2Tools("", dir, Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Tpm2Tools("--help", dir, Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Tpm2Tools("device:/dev/x y", dir, Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () -> new Tpm2Tools("device:/dev/tpmrm0", dir.resolve("none"), Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void readPcrs_noTpmListening_oneLineMessageNamingToolAndCause() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    Tpm2Tools tools =
        new Tpm2Tools("swtpm:host=127.0.0.1,port=" + port, dir, Duration.ofSeconds(30));

    assertThatThrownBy(() -> tools.readPcrs(List.of(new PcrId(TpmHash.SHA256, 0))))
        .isInstanceOf(TpmToolException.class)
        .hasMessageStartingWith("tpm2_pcrread failed (exit 1): Could not load tcti")
        .hasMessageContaining("Cannot connect to swtpm TPM socket")
        .hasMessageNotContaining("\n");
  }

  @Test
  void toolRunner_toolMissing_orTooSlow_clearMessage() {
    ToolRunner runner = new ToolRunner(dir, Duration.ofMillis(200));
    assertThatThrownBy(() -> runner.run(List.of("tpm2_no_such_tool_here")))
        .isInstanceOf(TpmToolException.class)
        .hasMessageStartingWith("tpm2_no_such_tool_here cannot be started");
    assertThatThrownBy(() -> runner.run(List.of("sleep", "30")))
        .isInstanceOf(TpmToolException.class)
        .hasMessage("sleep did not finish within PT0.2S");
  }

  @Test
  void reason_prefersTheToolsOwnErrorLine() {
    String esys =
        """
        WARNING:esys:src/tss2-esys/api/Esys_Quote.c:317:Esys_Quote_Finish() Received TPM Error
        ERROR:esys:src/tss2-esys/api/Esys_Quote.c:105:Esys_Quote() Esys Finish ErrorCode (0x000002d2)
        ERROR: Esys_Quote(0x2D2) - tpm:parameter(2):unsupported or incompatible scheme
        ERROR: Unable to run tpm2_quote
        """;
    assertThat(ToolRunner.reason(esys, ""))
        .isEqualTo("Esys_Quote(0x2D2) - tpm:parameter(2):unsupported or incompatible scheme");
    assertThat(ToolRunner.reason("ERROR:tcti:x.c:1:f() only the library spoke\n", ""))
        .isEqualTo("only the library spoke");
    assertThat(ToolRunner.reason("", "last words\n\n")).isEqualTo("last words");
    assertThat(ToolRunner.reason("", "")).isEqualTo("no message");
  }

  @Test
  void selectionArgument_groupsByBankInOrder() {
    assertThat(
            Tpm2Tools.selectionArgument(
                List.of(
                    new PcrId(TpmHash.SHA256, 16),
                    new PcrId(TpmHash.SHA1, 7),
                    new PcrId(TpmHash.SHA256, 0))))
        .isEqualTo("sha1:7+sha256:0,16");
    assertThatThrownBy(() -> Tpm2Tools.selectionArgument(List.of()))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void derLength_ignoresNvPadding() {
    byte[] shortForm = {0x30, 0x03, 1, 2, 3, (byte) 0xff, (byte) 0xff};
    assertThat(Tpm2Tools.derLength(shortForm)).isEqualTo(5);
    byte[] longForm = new byte[300];
    longForm[0] = 0x30;
    longForm[1] = (byte) 0x82;
    longForm[2] = 0x01;
    longForm[3] = 0x00;
    assertThat(Tpm2Tools.derLength(longForm)).isEqualTo(260);
    assertThat(Tpm2Tools.derLength(Arrays.copyOf(longForm, 10))).isEqualTo(10);
    assertThat(Tpm2Tools.derLength(new byte[] {0x04, 0x00})).isEqualTo(2);
  }

  @Test
  void pcrListing_readsPcrreadAndQuoteOutput() throws Exception {
    String zero = "0x" + "00".repeat(32);
    String pcrread = "  sha256:\n    0 : " + zero + "\n    16: " + "0x" + "AB".repeat(32) + "\n";
    PcrValues read = PcrListing.parse("tpm2_pcrread", pcrread, "");
    assertThat(read.hex())
        .containsEntry(new PcrId(TpmHash.SHA256, 0), "00".repeat(32))
        .containsEntry(new PcrId(TpmHash.SHA256, 16), "ab".repeat(32))
        .hasSize(2);

    String quote =
        "quoted: ff54\nsignature:\n  alg: ecdsa\n  sig: 3044\npcrs:\n  sha256:\n    7 : "
            + zero
            + "\n  sha1:\ncalcDigest: 2ea9\n";
    assertThat(PcrListing.parse("tpm2_quote", quote, "pcrs:").ids())
        .containsExactly(new PcrId(TpmHash.SHA256, 7));

    assertThatThrownBy(
            () -> PcrListing.parse("tpm2_pcrread", "  sha1:\n    3 : " + zero + "\n", ""))
        .isInstanceOf(TpmToolException.class)
        .hasMessageContaining("unusable PCR line");
  }

  @Test
  void pcrId_parse_acceptsOnlyBankColonIndex() throws AttestationException {
    assertThat(PcrId.parse("sha256:16")).isEqualTo(new PcrId(TpmHash.SHA256, 16));
    assertThat(PcrId.parse("sha1:0")).isEqualTo(new PcrId(TpmHash.SHA1, 0));
    for (String bad :
        List.of(
            "sha256:32", "sha3:1", "sha256:", ":1", "sha256:016", "sha256:-1", "SHA256:1", "")) {
      assertThatThrownBy(() -> PcrId.parse(bad)).as(bad).isInstanceOf(AttestationException.class);
    }
    assertThatThrownBy(() -> new PcrId(TpmHash.SHA256, 32))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(new PcrId(TpmHash.SHA384, 3)).hasToString("sha384:3");
  }
}
