package dev.writ.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.writ.bench.JfrBreakdown.Category;
import dev.writ.bench.JfrBreakdown.Frame;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class JfrBreakdownTest {
  private static final Frame VERIFY = new Frame("dev.writ.core.Verifier", "verify");
  private static final Frame HANDLE = new Frame("org.eclipse.jetty.server.Server", "handle");

  @Test
  void classify_signatureCheckInsideTheVerifier_isEd25519Verify() {
    List<Frame> stack =
        List.of(
            new Frame("org.bouncycastle.math.ec.rfc7748.X25519Field", "mul"),
            new Frame("dev.writ.core.PublicKeyVerifier$Ed25519Key", "verify"),
            VERIFY,
            HANDLE);

    assertThat(JfrBreakdown.classify(stack)).isEqualTo(Category.ED25519_VERIFY);
  }

  @Test
  void classify_spendCallInsideTheVerifier_isTheLedgerClientNotTheVerifier() {
    List<Frame> stack =
        List.of(
            new Frame("org.apache.ratis.client.impl.OrderedAsync", "send"),
            new Frame("dev.writ.state.RatisSpendLedger", "submit"),
            VERIFY,
            HANDLE);

    assertThat(JfrBreakdown.classify(stack)).isEqualTo(Category.LEDGER_CLIENT);
  }

  @Test
  void classify_jettyOnlyOrNothingKnown_isJettyOrOther() {
    assertThat(JfrBreakdown.classify(List.of(HANDLE))).isEqualTo(Category.JETTY);
    assertThat(JfrBreakdown.classify(List.of(new Frame("java.lang.Thread", "run"))))
        .isEqualTo(Category.OTHER);
    assertThat(JfrBreakdown.classify(List.of())).isEqualTo(Category.OTHER);
  }

  @Test
  void window_containsItsEndsAndNothingOutside() {
    JfrBreakdown.Window w = JfrBreakdown.Window.parse("1000-2000");

    assertThat(w.contains(Instant.ofEpochMilli(1000))).isTrue();
    assertThat(w.contains(Instant.ofEpochMilli(2000))).isTrue();
    assertThat(w.contains(Instant.ofEpochMilli(2001))).isFalse();
    assertThat(w.contains(Instant.ofEpochMilli(999))).isFalse();
  }

  @Test
  void run_badArguments_exit64AndMissingFile_exit1() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream errs = new PrintStream(err, true, StandardCharsets.UTF_8);
    PrintStream out = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);

    assertThat(JfrBreakdown.run(new String[] {}, out, errs)).isEqualTo(64);
    assertThat(JfrBreakdown.run(new String[] {"x.jfr", "--window", "5"}, out, errs)).isEqualTo(64);
    assertThat(JfrBreakdown.run(new String[] {"/nonexistent/x.jfr"}, out, errs)).isEqualTo(1);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("cannot read /nonexistent/x.jfr");
  }
}
