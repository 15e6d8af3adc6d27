package dev.writ.identity.svid;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Bounded random mutations (fixed seeds, 2,000 each) of valid inputs to every parser and to the
 * validator: each input is accepted or refused with {@link SvidException}; nothing else escapes.
 */
class ParserMutationTest {
  private static final int MUTATIONS = 2_000;

  private final SvidTestKit.TestClock clock = new SvidTestKit.TestClock(SvidTestKit.T0);
  private final SpiffeCa ca = SvidTestKit.newCa(clock);
  private final SvidCredentials node =
      SvidTestKit.credentials(ca, SvidTestKit.id("/node/a"), Duration.ofHours(1));

  /** Flips bits, overwrites, inserts, deletes or truncates, 1 to 4 times. */
  static byte[] mutate(byte[] in, Random r) {
    byte[] b = in.clone();
    int edits = 1 + r.nextInt(4);
    for (int i = 0; i < edits && b.length > 0; i++) {
      int at = r.nextInt(b.length);
      switch (r.nextInt(5)) {
        case 0 -> b[at] ^= (byte) (1 << r.nextInt(8));
        case 1 -> b[at] = (byte) r.nextInt(256);
        case 2 -> {
          byte[] n = new byte[b.length + 1];
          System.arraycopy(b, 0, n, 0, at);
          n[at] = (byte) r.nextInt(256);
          System.arraycopy(b, at, n, at + 1, b.length - at);
          b = n;
        }
        case 3 -> {
          byte[] n = new byte[b.length - 1];
          System.arraycopy(b, 0, n, 0, at);
          System.arraycopy(b, at + 1, n, at, b.length - at - 1);
          b = n;
        }
        default -> b = java.util.Arrays.copyOf(b, at);
      }
    }
    return b;
  }

  interface Parser {
    void parse(byte[] input) throws SvidException;
  }

  private static int run(byte[] seed, long randomSeed, Parser parser) {
    Random r = new Random(randomSeed);
    int refused = 0;
    for (int i = 0; i < MUTATIONS; i++) {
      byte[] input = mutate(seed, r);
      try {
        parser.parse(input);
      } catch (SvidException e) {
        assertThat(e.failure()).isNotNull();
        assertThat(e.getMessage()).isNotBlank().doesNotContain("\n");
        refused++;
      }
    }
    return refused;
  }

  @Test
  void csrParse_mutations_onlySvidExceptionEscapes() {
    for (byte[] seed :
        List.of(
            SvidTestKit.csr(SvidTestKit.ecKey()),
            SvidTestKit.csr(SvidTestKit.ed25519Key()),
            SvidTestKit.csr(SvidTestKit.rsaKey(2048)))) {
      assertThat(run(seed, 1, Csr::parse)).isGreaterThan(MUTATIONS / 2);
    }
  }

  @Test
  void bundleParse_mutations_onlySvidExceptionEscapes() {
    byte[] seed = ca.bundle().format().getBytes(StandardCharsets.US_ASCII);
    assertThat(run(seed, 2, b -> TrustBundle.parse(SvidTestKit.TD, b))).isGreaterThan(0);
  }

  @Test
  void svidPemParse_mutations_onlySvidExceptionEscapes() {
    byte[] seed = SvidPem.format(node).getBytes(StandardCharsets.US_ASCII);
    assertThat(run(seed, 3, b -> SvidPem.parse(b, b))).isGreaterThan(0);
  }

  @Test
  void validate_mutatedLeafDer_onlySvidExceptionEscapes() throws Exception {
    byte[] leafDer = node.svid().leaf().getEncoded();
    Random r = new Random(4);
    int accepted = 0;
    for (int i = 0; i < MUTATIONS; i++) {
      byte[] der = mutate(leafDer, r);
      try {
        X509Certificate leaf = Certificates.fromDer(der, SvidFailure.SVID_MALFORMED, "leaf");
        List<X509Certificate> chain = new ArrayList<>(List.of(leaf, ca.certificate()));
        SvidValidator.validate(chain, ca.bundle(), clock.instant());
        accepted++;
      } catch (SvidException e) {
        assertThat(e.failure()).isNotNull();
      }
    }
    // a mutation may only hit bytes outside the signed part (e.g. an unused signature bit)
    assertThat(accepted).isLessThan(MUTATIONS / 100);
  }
}
