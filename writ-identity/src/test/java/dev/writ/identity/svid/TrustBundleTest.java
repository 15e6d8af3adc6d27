package dev.writ.identity.svid;

import static dev.writ.identity.svid.SvidTestKit.TD;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrustBundleTest {
  private final SpiffeCa ca = SvidTestKit.newCa(new SvidTestKit.TestClock(SvidTestKit.T0));

  private static SvidFailure failureOf(String pem) {
    try {
      TrustBundle.parse(TD, pem.getBytes(StandardCharsets.UTF_8));
    } catch (SvidException e) {
      return e.failure();
    }
    throw new AssertionError("the bundle was accepted");
  }

  @Test
  void formatThenParse_roundTrips() throws SvidException {
    TrustBundle b = ca.bundle();
    String pem = b.format();
    assertThat(pem)
        .startsWith("-----BEGIN CERTIFICATE-----\n")
        .endsWith("-----END CERTIFICATE-----\n");
    TrustBundle parsed = TrustBundle.parse(TD, pem.getBytes(StandardCharsets.US_ASCII));
    assertThat(parsed.authorities()).containsExactly(ca.certificate());
    assertThat(parsed.trustDomain()).isEqualTo(TD);
  }

  @Test
  void parse_emptyOrBlank_isAnEmptyBundle() throws SvidException {
    assertThat(TrustBundle.parse(TD, new byte[0]).isEmpty()).isTrue();
    assertThat(TrustBundle.parse(TD, " \n\r\n\t".getBytes(StandardCharsets.US_ASCII)).isEmpty())
        .isTrue();
    assertThat(TrustBundle.of(TD, List.of()).format()).isEmpty();
  }

  @Test
  void parse_explanatoryTextAroundBlocks_ignored() throws SvidException {
    String pem = "subject=writ CA\n" + ca.bundle().format() + "trailing words\n";
    assertThat(TrustBundle.parse(TD, pem.getBytes(StandardCharsets.US_ASCII)).authorities())
        .hasSize(1);
  }

  @Test
  void parse_duplicates_keptOnce() throws SvidException {
    String pem = ca.bundle().format() + ca.bundle().format();
    assertThat(TrustBundle.parse(TD, pem.getBytes(StandardCharsets.US_ASCII)).authorities())
        .hasSize(1);
  }

  @Test
  void parse_badInputs_refusedWithBundleMalformed() {
    String good = ca.bundle().format();
    assertThat(failureOf("Not PEM encoded file")).isEqualTo(SvidFailure.BUNDLE_MALFORMED);
    assertThat(failureOf(good.replace("-----END CERTIFICATE-----\n", "")))
        .isEqualTo(SvidFailure.BUNDLE_MALFORMED);
    assertThat(failureOf(good.replace("END CERTIFICATE", "END X509 CRL")))
        .isEqualTo(SvidFailure.BUNDLE_MALFORMED);
    assertThat(failureOf(good.replaceFirst("\n[A-Za-z0-9+/]", "\n*")))
        .isEqualTo(SvidFailure.BUNDLE_MALFORMED);
    assertThat(failureOf("-----BEGIN CERTIFICATE-----\nQ09SUlVQVA==\n-----END CERTIFICATE-----\n"))
        .isEqualTo(SvidFailure.BUNDLE_MALFORMED);
    assertThat(failureOf("-----BEGIN PRIVATE KEY-----\nQ09SUlVQVA==\n-----END PRIVATE KEY-----\n"))
        .isEqualTo(SvidFailure.BUNDLE_MALFORMED);
    assertThat(
            failureOf(
                "-----BEGIN CERTIFICATE-----\nProc-Type: 4,ENCRYPTED\n-----END CERTIFICATE-----\n"))
        .isEqualTo(SvidFailure.BUNDLE_MALFORMED);
    assertThat(failureOf("caf\u00e9 " + good)).isEqualTo(SvidFailure.BUNDLE_MALFORMED);
  }

  @Test
  void parse_limits_refusedWithBundleMalformed() {
    String good = ca.bundle().format();
    assertThatThrownBy(() -> TrustBundle.parse(TD, new byte[TrustBundle.MAX_PEM_BYTES + 1]))
        .isInstanceOfSatisfying(
            SvidException.class,
            e -> assertThat(e.failure()).isEqualTo(SvidFailure.BUNDLE_MALFORMED));
    assertThat(failureOf(good.repeat(TrustBundle.MAX_AUTHORITIES + 1)))
        .isEqualTo(SvidFailure.BUNDLE_MALFORMED);
  }

  /**
   * Three server peers that share a CA folder write its bundle at startup at the same moment; one
   * fixed temporary name made a peer's rename fail once the other had moved the file away.
   */
  @Test
  void write_concurrentWritersOfOneFile_allSucceedAndLeaveOneBundle(@TempDir Path dir)
      throws Exception {
    Path file = dir.resolve("bundle.pem");
    TrustBundle bundle = ca.bundle();
    int writers = 8;
    int rounds = 50;
    CyclicBarrier start = new CyclicBarrier(writers);
    ExecutorService pool = Executors.newFixedThreadPool(writers);
    try {
      List<Future<Void>> done = new ArrayList<>();
      for (int w = 0; w < writers; w++) {
        done.add(
            pool.submit(
                () -> {
                  start.await();
                  for (int i = 0; i < rounds; i++) {
                    bundle.write(file);
                  }
                  return null;
                }));
      }
      for (Future<Void> f : done) {
        f.get(); // throws if any writer's rename failed
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(TrustBundle.parse(TD, Files.readAllBytes(file)).authorities())
        .containsExactly(ca.certificate());
    try (Stream<Path> left = Files.list(dir)) {
      assertThat(left).containsExactly(file); // no temporary file left behind
    }
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-r--r--");
  }
}
