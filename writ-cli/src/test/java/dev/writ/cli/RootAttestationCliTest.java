package dev.writ.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.writ.core.AttestationPolicy;
import dev.writ.core.RootContents;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code writ root init/rotate --attestation-file}: the root's attestation policy (writ.md section
 * 8.4.1) set from a JSON file, checked by writ-core's rules, carried over by rotation.
 */
class RootAttestationCliTest {
  private static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");
  private static final String TPM = "a1".repeat(32);
  private static final String SWTPM = "b2".repeat(32);

  @TempDir Path dir;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int writ(String... args) {
    out.reset();
    err.reset();
    WritCli.Env env =
        new WritCli.Env(
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8),
            Map.of("WRIT_KEY_PASSWORD", "correct horse"),
            Clock.fixed(NOW, ZoneOffset.UTC),
            new SecureRandom());
    return WritCli.run(env, args);
  }

  private String out() {
    return out.toString(StandardCharsets.UTF_8);
  }

  private String err() {
    return err.toString(StandardCharsets.UTF_8);
  }

  private String p(String name) {
    return dir.resolve(name).toString();
  }

  private static String attestationJson(String tpm, String software) {
    return """
        {
          "tpm_authorities": [%s],
          "tpm_software_authorities": [%s],
          "tpm_pcrs": ["sha256:7:%s"],
          "sev_snp_authorities": [],
          "sev_snp_min_tcb": [3, 0, 8, 115],
          "sev_snp_measurements": [],
          "tdx_authorities": [],
          "tdx_mrtds": []
        }
        """
        .formatted(tpm, software, "00".repeat(32));
  }

  @BeforeEach
  void keys() {
    assertThat(writ("key", "generate", "--out", p("r.key"))).as(err()).isZero();
    assertThat(writ("key", "generate", "--out", p("i.key"))).as(err()).isZero();
  }

  private int init(String... extra) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "root",
                "init",
                "--trust-domain",
                "t.test",
                "--expires",
                "2036-01-01",
                "--key",
                "root=" + p("r.key"),
                "--key",
                "initiator=" + p("i.key"),
                "--key",
                "approver=" + p("i.key"),
                "--key",
                "pauser=" + p("i.key"),
                "--key",
                "auditor=" + p("i.key"),
                "--out",
                p("v1.payload")));
    args.addAll(List.of(extra));
    return writ(args.toArray(String[]::new));
  }

  private RootContents contents(String file) throws Exception {
    return RootContents.parse(Files.readAllBytes(dir.resolve(file)));
  }

  @Test
  void init_withAttestationFile_writesItIntoThePolicyAndTheRootPinsAndVerifies() throws Exception {
    Path att =
        Files.writeString(
            dir.resolve("att.json"), attestationJson("\"" + TPM + "\"", "\"" + SWTPM + "\""));
    assertThat(init("--attestation-file", att.toString())).as(err()).isZero();
    assertThat(err()).contains("with an attestation policy");
    AttestationPolicy a = contents("v1.payload").policy().attestation().orElseThrow();
    assertThat(a).isEqualTo(AttestationPolicy.read(Files.readAllBytes(att)));
    assertThat(a.tpmAuthorities()).containsExactly(TPM);
    assertThat(a.tpmSoftwareAuthorities()).containsExactly(SWTPM);

    assertThat(writ("root", "sign", p("v1.payload"), "--key", p("r.key"), "--out", p("v1.json")))
        .as(err())
        .isZero();
    assertThat(writ("root", "verify", p("v1.json"))).as(out()).isZero();
  }

  @Test
  void init_withoutAttestationFile_writesNoMemberAndSaysNodesEnrollDegraded() throws Exception {
    assertThat(init()).as(err()).isZero();
    assertThat(err()).contains("no attestation policy: every node enrolls degraded");
    assertThat(contents("v1.payload").policy().attestation()).isEmpty();
    assertThat(Files.readString(dir.resolve("v1.payload"))).doesNotContain("attestation");
  }

  @Test
  void init_fingerprintInBothTpmLists_refusedWithTheRuleAndNoFileWritten() throws Exception {
    Path att =
        Files.writeString(
            dir.resolve("att.json"), attestationJson("\"" + TPM + "\"", "\"" + TPM + "\""));
    assertThat(init("--attestation-file", att.toString())).isEqualTo(WritCli.USAGE);
    assertThat(err())
        .contains("is not an attestation policy: MALFORMED")
        .contains("in both tpm_authorities and tpm_software_authorities")
        .doesNotContain("Exception");
    assertThat(dir.resolve("v1.payload")).doesNotExist();
  }

  @Test
  void init_attestationFileWithUnknownMember_refusedWithUnknownField() throws Exception {
    Path att =
        Files.writeString(
            dir.resolve("att.json"),
            attestationJson("", "").replace("\"tdx_mrtds\"", "\"allow_debug\": [], \"tdx_mrtds\""));
    assertThat(init("--attestation-file", att.toString())).isEqualTo(WritCli.USAGE);
    assertThat(err()).contains("UNKNOWN_FIELD").contains("allow_debug");
  }

  @Test
  void init_attestationInPolicyYaml_refusedWithPointerToTheOption() throws Exception {
    Path yaml = Files.writeString(dir.resolve("policy.yaml"), "attestation: {}\n");
    assertThat(init("--policy", yaml.toString())).isEqualTo(WritCli.USAGE);
    assertThat(err()).contains("--attestation-file");
  }

  @Test
  void rotate_keepsTheAttestationPolicy_orReplacesItFromAFile() throws Exception {
    Path att = Files.writeString(dir.resolve("att.json"), attestationJson("\"" + TPM + "\"", ""));
    assertThat(init("--attestation-file", att.toString())).as(err()).isZero();
    assertThat(writ("root", "sign", p("v1.payload"), "--key", p("r.key"), "--out", p("v1.json")))
        .isZero();
    AttestationPolicy v1 = contents("v1.payload").policy().attestation().orElseThrow();

    assertThat(writ("root", "rotate", "--from", p("v1.json"), "--out", p("v2.payload")))
        .as(err())
        .isZero();
    assertThat(contents("v2.payload").policy().attestation()).contains(v1);

    Path next =
        Files.writeString(dir.resolve("next.json"), attestationJson("", "\"" + SWTPM + "\""));
    assertThat(
            writ(
                "root",
                "rotate",
                "--from",
                p("v1.json"),
                "--attestation-file",
                next.toString(),
                "--out",
                p("v2b.payload")))
        .as(err())
        .isZero();
    AttestationPolicy v2 = contents("v2b.payload").policy().attestation().orElseThrow();
    assertThat(v2.tpmAuthorities()).isEmpty();
    assertThat(v2.tpmSoftwareAuthorities()).containsExactly(SWTPM);
    assertThat(contents("v2b.payload").version()).isEqualTo(2);
  }

  @Test
  void rootHelp_documentsTheAttestationFileOption() {
    assertThat(writ("root", "--help")).isZero();
    assertThat(out()).contains("--attestation-file", "enrolls degraded");
    assertThat(writ("root", "init", "--help")).isZero();
    assertThat(out()).contains("--attestation-file=FILE", "tpm_software_authorities");
    assertThat(writ("root", "rotate", "--help")).isZero();
    assertThat(out()).contains("--attestation-file=FILE");
  }
}
