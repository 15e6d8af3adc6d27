package dev.writ.bench;

import dev.writ.core.Decision;
import dev.writ.core.SpendLedger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.util.PublicKeyFactory;
import org.bouncycastle.math.ec.rfc8032.Ed25519;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Writ verification against the raw signature check it is built on (issue "foundation": a
 * single-signature writ should verify at no less than 0.85 of the raw Ed25519 rate).
 *
 * <p>{@code rawEd25519Verify} verifies exactly the PAE bytes and signature of the writ that {@code
 * verifier1Sig} verifies, with a key decoded once, so the two differ only by what {@link
 * dev.writ.core.Verifier} adds: strict parsing, key lookup, roles, thresholds, freshness, fleet
 * state, node identity, content and ticket. The spend is not measured (see {@link
 * AlwaysUnspentLedger}). All fixtures are built in {@code @Setup} and shared by the benchmark's
 * threads, as one pinned root is shared by a verifying node's threads.
 *
 * <p>The annotations hold the defaults of {@code scripts/bench verify}; the script passes them
 * explicitly too. The class and its states are public and not final because JMH's generated code
 * subclasses them.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 5, time = 3)
@Measurement(iterations = 5, time = 3)
@Threads(1)
public class VerifyBenchmark {

  /** The 1-signature Ed25519 writ and its first signature as raw BouncyCastle inputs. */
  @State(Scope.Benchmark)
  public static class SingleEd25519 {
    WritFixture writ;
    Ed25519PublicKeyParameters key;
    byte[] pae;
    byte[] signature;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
      writ = WritFixture.create(Scenario.SINGLE_ED25519, new SecureRandom());
      pae = writ.pae();
      signature = writ.signature(0);
      AsymmetricKeyParameter decoded = PublicKeyFactory.createKey(writ.signerSpki(0));
      if (!(decoded instanceof Ed25519PublicKeyParameters ed)) {
        throw new IllegalStateException("not an Ed25519 key: " + decoded.getClass());
      }
      key = ed;
      if (!key.verify(Ed25519.Algorithm.Ed25519, null, pae, 0, pae.length, signature, 0)) {
        throw new IllegalStateException("raw Ed25519 signature does not verify");
      }
    }
  }

  /** A dual-control writ: Ed25519 initiator and distinct Ed25519 approver. */
  @State(Scope.Benchmark)
  public static class DualControl {
    WritFixture writ;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
      writ = WritFixture.create(Scenario.DUAL_CONTROL_ED25519, new SecureRandom());
    }
  }

  /** A hybrid writ (policy hybrid_required) and its ML-DSA-65 half as raw JDK inputs. */
  @State(Scope.Benchmark)
  public static class Hybrid {
    WritFixture writ;
    PublicKey mlDsaKey;
    byte[] pae;
    byte[] mlDsaSignature;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
      writ = WritFixture.create(Scenario.HYBRID_ED25519_ML_DSA_65, new SecureRandom());
      pae = writ.pae();
      mlDsaSignature = writ.signature(1);
      mlDsaKey =
          KeyFactory.getInstance("ML-DSA")
              .generatePublic(new X509EncodedKeySpec(writ.signerSpki(1)));
      if (!mlDsaVerify(mlDsaKey, pae, mlDsaSignature)) {
        throw new IllegalStateException("raw ML-DSA-65 signature does not verify");
      }
    }
  }

  /** A 1-signature ECDSA P-256 writ. */
  @State(Scope.Benchmark)
  public static class SingleEcdsa {
    WritFixture writ;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
      writ = WritFixture.create(Scenario.SINGLE_ECDSA_P256, new SecureRandom());
    }
  }

  /** The baseline: BouncyCastle Ed25519 on the 1-signature writ's PAE and signature. */
  @Benchmark
  public boolean rawEd25519Verify(SingleEd25519 s) {
    return s.key.verify(Ed25519.Algorithm.Ed25519, null, s.pae, 0, s.pae.length, s.signature, 0);
  }

  /** Checks 1-7 on the 1-signature Ed25519 writ, node scope. */
  @Benchmark
  public Decision verifier1Sig(SingleEd25519 s) throws SpendLedger.SpendLedgerException {
    return s.writ.verify();
  }

  /** Checks 1-7 on the dual-control (initiator + approver) writ, node scope. */
  @Benchmark
  public Decision verifier2of2(DualControl s) throws SpendLedger.SpendLedgerException {
    return s.writ.verify();
  }

  /** Checks 1-7 on the hybrid (Ed25519 + ML-DSA-65) writ, node scope. */
  @Benchmark
  public Decision verifierHybrid(Hybrid s) throws SpendLedger.SpendLedgerException {
    return s.writ.verify();
  }

  /** Context: checks 1-7 on a 1-signature ECDSA P-256 writ (JDK SunEC). */
  @Benchmark
  public Decision verifierEcdsa1Sig(SingleEcdsa s) throws SpendLedger.SpendLedgerException {
    return s.writ.verify();
  }

  /** Context: the ML-DSA-65 half of the hybrid writ alone, the way the verifier calls the JDK. */
  @Benchmark
  public boolean rawMlDsa65Verify(Hybrid s) throws GeneralSecurityException {
    return mlDsaVerify(s.mlDsaKey, s.pae, s.mlDsaSignature);
  }

  private static boolean mlDsaVerify(PublicKey key, byte[] message, byte[] signature)
      throws GeneralSecurityException {
    Signature verifier = Signature.getInstance("ML-DSA-65");
    verifier.initVerify(key);
    verifier.update(message);
    return verifier.verify(signature);
  }
}
