package dev.writ.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.SignatureException;
import java.security.spec.X509EncodedKeySpec;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Wycheproof (C2SP) signature-verification vectors against {@link PublicKeyVerifier}: every test of
 * every group, counted against the file's {@code numberOfTests}.
 *
 * <p>Each group's {@code publicKeyDer} goes through our strict {@link PublicKeyVerifier#decode}. A
 * group whose key the decoder refuses passes only if every test in it expects {@code invalid}: a
 * refused key can never accept a signature, which is right only when none is valid.
 */
class WycheproofTest {

  /** What one vector check returns: whether the signature was accepted. */
  @FunctionalInterface
  private interface Check {
    boolean accepts(PublicKeyVerifier key, byte[] spki, VectorJson test) throws Exception;
  }

  /** The outcome of one file. */
  private record Tally(
      int total, int valid, int invalid, int refusedKey, SortedMap<Long, String> mismatches) {}

  /**
   * Where the JDK's {@code SHA256withECDSA} (DER) differs from Wycheproof, deliberately: the JDK
   * accepts a DER INTEGER that lacks the leading zero byte a positive value with its top bit set
   * needs (Wycheproof flag {@code MissingZero}, bug type LEGACY, whose note names the JDK). This is
   * the JDK's DER parser, not Writ's: Writ signatures are P1363 and never parsed as DER. Pinned
   * exactly, so a new deviation or a JDK that stops deviating both fail this test.
   */
  private static final Map<Long, String> JDK_DER_DEVIATIONS =
      Map.of(6L, "JDK accepts a DER INTEGER s missing its leading zero (MissingZero, LEGACY)");

  @Test
  void ed25519_everyVector_matchesExpectedResult() throws Exception {
    Optional<Tally> t =
        run(
            "ed25519_test.json",
            SignatureAlgorithm.ED25519,
            (key, spki, test) -> key.verify(test.hex("msg"), test.hex("sig")));
    t.ifPresent(WycheproofTest::assertClean);
  }

  @Test
  void ecdsaP256P1363_everyVector_matchesExpectedResult() throws Exception {
    Optional<Tally> t =
        run(
            "ecdsa_secp256r1_sha256_p1363_test.json",
            SignatureAlgorithm.ECDSA_P256_SHA256,
            (key, spki, test) -> key.verify(test.hex("msg"), test.hex("sig")));
    t.ifPresent(WycheproofTest::assertClean);
  }

  /**
   * Writ's wire format is P1363, never DER, so these vectors exercise the key our decoder accepted
   * (re-read by the JDK's KeyFactory from the same SPKI) with the JDK's own DER-signature verifier,
   * {@code SHA256withECDSA}: it checks that the decoder accepts and refuses the right keys, and
   * documents how strict the JDK's DER parsing is.
   */
  @Test
  void ecdsaP256Der_everyVectorThroughJdk_matchesExpectedResult() throws Exception {
    Optional<Tally> t =
        run(
            "ecdsa_secp256r1_sha256_test.json",
            SignatureAlgorithm.ECDSA_P256_SHA256,
            (key, spki, test) -> jdkDerVerify(spki, test.hex("msg"), test.hex("sig")));
    t.ifPresent(
        tally -> {
          tally
              .mismatches()
              .forEach(
                  (id, why) -> System.out.println("  JDK DER deviation, tcId " + id + ": " + why));
          assertThat(tally.mismatches().keySet())
              .as("vectors where the JDK's DER verifier differs from Wycheproof")
              .containsExactlyInAnyOrderElementsOf(JDK_DER_DEVIATIONS.keySet());
        });
  }

  /**
   * Writ's ML-DSA-65 is pure ML-DSA with the empty context, always: a writ has no context string.
   * So a vector that carries a non-empty {@code ctx} must be refused by our verifier whatever its
   * expected result, because the signature was made (or is invalid) under a context Writ never
   * uses. Vectors without {@code ctx}, or with an empty one, must match their expected result.
   */
  @Test
  void mlDsa65_everyVectorWithEmptyContext_matchesExpectedResult() throws Exception {
    Optional<Tally> t =
        run(
            "mldsa_65_verify_test.json",
            SignatureAlgorithm.ML_DSA_65,
            (key, spki, test) -> key.verify(test.hex("msg"), test.hex("sig")));
    t.ifPresent(WycheproofTest::assertClean);
  }

  private static void assertClean(Tally t) {
    assertThat(t.mismatches())
        .as("vectors whose outcome differs from the expected result")
        .isEmpty();
  }

  private static boolean jdkDerVerify(byte[] spki, byte[] msg, byte[] sig)
      throws GeneralSecurityException {
    PublicKey key = KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(spki));
    Signature s = Signature.getInstance("SHA256withECDSA");
    s.initVerify(key);
    s.update(msg);
    try {
      return s.verify(sig);
    } catch (SignatureException e) {
      return false; // the JDK's way of refusing a signature it cannot parse
    }
  }

  /** Whether a vector carries a context string our verifier (empty context) cannot honour. */
  private static boolean hasContext(VectorJson test) {
    return test.optionalString("ctx").map(c -> !c.isEmpty()).orElse(false);
  }

  private static Optional<Tally> run(String file, SignatureAlgorithm alg, Check check)
      throws Exception {
    Optional<Path> dir = ConformanceData.dir("wycheproof");
    if (dir.isEmpty()) {
      return Optional.empty();
    }
    VectorJson doc = VectorJson.read(dir.get().resolve(file));
    int total = 0;
    int valid = 0;
    int invalid = 0;
    int refusedKey = 0;
    SortedMap<Long, String> mismatches = new TreeMap<>();
    for (VectorJson group : doc.objects("testGroups")) {
      byte[] spki = group.hex("publicKeyDer");
      PublicKeyVerifier key;
      String refusal;
      try {
        key = PublicKeyVerifier.decode(alg, spki);
        refusal = null;
      } catch (WritDeniedException e) {
        key = null;
        refusal = e.getMessage();
      }
      for (VectorJson test : group.objects("tests")) {
        total++;
        long tcId = test.integer("tcId");
        String result = test.string("result");
        boolean expectValid =
            switch (result) {
              case "valid" -> true;
              case "invalid" -> false;
              default -> throw new AssertionError("tcId " + tcId + ": unexpected result " + result);
            };
        if (expectValid) {
          valid++;
        } else {
          invalid++;
        }
        // Writ verifies with the empty context only; a vector with a context must be refused.
        boolean expectAccepted = expectValid && !hasContext(test);
        if (key == null) {
          refusedKey++;
          if (expectValid) {
            mismatches.put(
                tcId, test.string("comment") + ": valid, but the key was refused: " + refusal);
          }
          continue;
        }
        boolean accepted;
        try {
          accepted = check.accepts(key, spki, test);
        } catch (RuntimeException e) {
          mismatches.put(tcId, test.string("comment") + ": threw " + e);
          continue;
        }
        if (accepted != expectAccepted) {
          mismatches.put(
              tcId,
              test.string("comment")
                  + ": expected "
                  + (expectAccepted ? "accept" : "reject")
                  + ", got "
                  + (accepted ? "accept" : "reject"));
        }
      }
    }
    System.out.printf(
        "wycheproof %s: %d tests (%d valid, %d invalid), %d under refused keys, %d mismatches%n",
        file, total, valid, invalid, refusedKey, mismatches.size());
    assertThat(total).as("tests counted in " + file).isEqualTo(doc.integer("numberOfTests"));
    return Optional.of(new Tally(total, valid, invalid, refusedKey, mismatches));
  }
}
