package dev.writ.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.writ.identity.svid.SpiffeCa;
import dev.writ.identity.svid.TrustDomain;
import dev.writ.log.LogKeySigner;
import dev.writ.log.TileWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
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
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code writ audit verify} on logs written by {@link TileWriter}, intact and broken. */
class AuditCommandTest {
  private static final String ORIGIN = "writ.example/audit";

  /** Every test entry is this long, so a byte's offset in a bundle is easy to compute. */
  private static final int ENTRY_BYTES = 16;

  /** tlog-tiles entry bundles frame each entry with a 2-byte big-endian length. */
  private static final int FRAME_BYTES = 2;

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final LogKeySigner SIGNER = LogKeySigner.generate(ORIGIN, RANDOM);

  @TempDir Path dir;

  private Path log;
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  @BeforeEach
  void setUp() {
    log = dir.resolve("log");
  }

  private int writ(String... args) {
    out.reset();
    err.reset();
    WritCli.Env env =
        new WritCli.Env(
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8),
            Map.of(),
            Clock.fixed(Instant.parse("2030-01-01T00:00:00Z"), ZoneOffset.UTC),
            RANDOM);
    return WritCli.run(env, args);
  }

  private String out() {
    return out.toString(StandardCharsets.UTF_8);
  }

  private String err() {
    return err.toString(StandardCharsets.UTF_8);
  }

  private static List<byte[]> entries(int n, String tag) {
    List<byte[]> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(String.format(Locale.ROOT, "e-%s%013d", tag, i).getBytes(StandardCharsets.US_ASCII));
    }
    return out;
  }

  private void write(List<byte[]> entries) throws IOException {
    TileWriter.write(log, ORIGIN, entries, SIGNER);
  }

  private int verify(String... extra) {
    List<String> args =
        new ArrayList<>(List.of("audit", "verify", "--log", log.toString(), "--key", key(SIGNER)));
    args.addAll(List.of(extra));
    return writ(args.toArray(String[]::new));
  }

  private static String key(LogKeySigner signer) {
    return signer.verifierKey().toString();
  }

  private String trusted() {
    return dir.resolve("trusted.checkpoint").toString();
  }

  @Test
  void verify_intactLog_exitsZeroAndNamesOriginSizeAndRoot() throws Exception {
    write(entries(300, "a"));
    assertThat(verify()).as(err()).isZero();
    assertThat(out()).startsWith("ok: log " + ORIGIN + ", 300 entries, root ");
    assertThat(out()).contains("ok: checkpoint signed by " + key(SIGNER));
  }

  @Test
  void verify_keyFromFile_exitsZero() throws Exception {
    write(entries(10, "a"));
    Path keyFile = dir.resolve("log.vkey");
    Files.writeString(keyFile, key(SIGNER) + "\n");
    assertThat(writ("audit", "verify", "--log", log.toString(), "--key", "@" + keyFile))
        .as(err())
        .isZero();
  }

  @Test
  void verify_grownLogAgainstSavedCheckpoint_exitsZeroAndProvesConsistency() throws Exception {
    List<byte[]> entries = entries(500, "a");
    write(entries.subList(0, 300));
    assertThat(verify("--save-checkpoint", trusted())).as(err()).isZero();
    assertThat(Files.readString(Path.of(trusted()))).startsWith(ORIGIN + "\n300\n");
    write(entries);
    assertThat(verify("--trusted-checkpoint", trusted())).as(out() + err()).isZero();
    assertThat(out())
        .contains("ok: log " + ORIGIN + ", 500 entries")
        .contains("ok: consistent with the trusted checkpoint of size 300");
  }

  @Test
  void verify_flippedEntryByte_failsWithTamperedEntryAtThatIndex() throws Exception {
    write(entries(300, "a"));
    Path bundle = log.resolve("tile/entries/000");
    byte[] b = Files.readAllBytes(bundle);
    b[100 * (FRAME_BYTES + ENTRY_BYTES) + FRAME_BYTES + 5] ^= 0x01;
    Files.write(bundle, b);
    assertThat(verify()).isEqualTo(1);
    assertThat(out()).startsWith("FAIL TAMPERED_ENTRY: " + bundle + " entry 100: ");
  }

  @Test
  void verify_lastBundleDeleted_failsWithTruncatedLogAtItsFirstEntry() throws Exception {
    write(entries(300, "a"));
    Path last = log.resolve("tile/entries/001.p/44");
    Files.delete(last);
    assertThat(verify()).isEqualTo(1);
    assertThat(out()).startsWith("FAIL TRUNCATED_LOG: " + last + " entry 256: ");
  }

  @Test
  void verify_rewrittenHistoryAgainstTrustedCheckpoint_failsWithFork() throws Exception {
    write(entries(300, "a"));
    assertThat(verify("--save-checkpoint", trusted())).as(err()).isZero();
    List<byte[]> forked = entries(500, "a");
    forked.set(10, "e-forked-entry!!".getBytes(StandardCharsets.US_ASCII));
    write(forked);
    assertThat(verify()).as("the forked log is self-consistent").isZero();
    assertThat(verify("--trusted-checkpoint", trusted())).isEqualTo(1);
    assertThat(out()).startsWith("FAIL FORK: ").contains(" trusted size 300: ");
  }

  @Test
  void verify_otherLogKey_failsWithBadCheckpointSignature() throws Exception {
    write(entries(10, "a"));
    LogKeySigner other = LogKeySigner.generate(ORIGIN, RANDOM);
    assertThat(writ("audit", "verify", "--log", log.toString(), "--key", key(other))).isEqualTo(1);
    assertThat(out()).startsWith("FAIL BAD_CHECKPOINT_SIGNATURE: " + log.resolve("checkpoint"));
  }

  @Test
  void verify_missingDirectory_exitsTwoWithOnePlainLine() {
    assertThat(verify()).isEqualTo(2);
    assertThat(err()).isEqualTo("writ: no such log directory: " + log + System.lineSeparator());
    assertThat(out()).isEmpty();
  }

  @Test
  void verify_unreadableKey_exitsTwoWithoutStackTrace() throws Exception {
    write(entries(10, "a"));
    assertThat(writ("audit", "verify", "--log", log.toString(), "--key", "not-a-key")).isEqualTo(2);
    assertThat(err()).startsWith("writ: bad log verifier key: ").doesNotContain("\tat ");
    assertThat(
            writ(
                "audit",
                "verify",
                "--log",
                log.toString(),
                "--key",
                "@" + dir.resolve("missing.vkey")))
        .isEqualTo(2);
    assertThat(err()).startsWith("writ: no such file: ").doesNotContain("\tat ");
  }

  @Test
  void verify_urlWithQuery_exitsTwoAsNotALogUrl() throws Exception {
    assertThat(
            writ(
                "audit",
                "verify",
                "--log",
                "https://log.example/writ?x=1",
                "--bundle",
                bundle().toString(),
                "--key",
                key(SIGNER)))
        .isEqualTo(2);
    assertThat(err())
        .startsWith("writ: --log takes a base URL without query or fragment")
        .contains("https://log.example/writ?x=1");
  }

  @Test
  void verify_plainHttpUrl_isRefusedWithoutReadingIt() throws Exception {
    assertThat(
            writ(
                "audit",
                "verify",
                "--log",
                "http://127.0.0.1:1/",
                "--bundle",
                bundle().toString(),
                "--key",
                key(SIGNER)))
        .isEqualTo(2);
    assertThat(err())
        .contains("--log must be an https://HOST:PORT URL, not http://127.0.0.1:1/")
        .contains("TLS 1.3 only");
    assertThat(out()).isEmpty();
  }

  @Test
  void verify_httpsUrlWithoutBundle_saysWhichBundleToGive() {
    assertThat(writ("audit", "verify", "--log", "https://127.0.0.1:1/", "--key", key(SIGNER)))
        .isEqualTo(2);
    assertThat(err()).contains("needs --bundle FILE").contains("bundle.pem");
    assertThat(out()).isEmpty();
  }

  @Test
  void verify_bundleWithADirectory_isUsageError() throws Exception {
    write(entries(3, "a"));

    assertThat(
            writ(
                "audit",
                "verify",
                "--log",
                log.toString(),
                "--bundle",
                bundle().toString(),
                "--key",
                key(SIGNER)))
        .isEqualTo(2);
    assertThat(err()).contains("--bundle is for a server URL");
  }

  @Test
  void verify_unreachableUrl_failsUnreadable() throws Exception {
    assertThat(
            writ(
                "audit",
                "verify",
                "--log",
                "https://127.0.0.1:1/",
                "--bundle",
                bundle().toString(),
                "--key",
                key(SIGNER)))
        .isEqualTo(1);
    assertThat(out()).startsWith("FAIL UNREADABLE: https://127.0.0.1:1/checkpoint");
  }

  /** A Writ trust bundle (a fresh SPIFFE CA's certificate) in a file. */
  private Path bundle() throws Exception {
    SpiffeCa ca =
        SpiffeCa.loadOrCreate(
            dir.resolve("ca"),
            new TrustDomain("fleet.test"),
            Clock.fixed(Instant.parse("2030-01-01T00:00:00Z"), ZoneOffset.UTC),
            RANDOM);
    return Files.writeString(dir.resolve("bundle.pem"), ca.bundle().format());
  }

  @Test
  void help_explainsEveryOption() {
    assertThat(writ("audit", "verify", "--help")).isZero();
    assertThat(out())
        .contains("--log=DIR")
        .contains("--bundle=FILE")
        .contains("--key=VKEY")
        .contains("--trusted-checkpoint=FILE")
        .contains("--save-checkpoint=FILE");
  }
}
