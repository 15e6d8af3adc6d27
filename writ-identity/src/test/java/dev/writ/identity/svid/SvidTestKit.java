package dev.writ.identity.svid;

import dev.writ.core.SpiffeId;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequestBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

/** Keys, CSRs, CAs and clocks for the writ-identity tests (svid and tls packages). */
public final class SvidTestKit {
  public static final TrustDomain TD = new TrustDomain("example.org");
  public static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");

  private SvidTestKit() {}

  /** A settable clock. Thread-safe. */
  public static final class TestClock extends Clock {
    private final AtomicReference<Instant> now;

    public TestClock(Instant start) {
      now = new AtomicReference<>(start);
    }

    public void set(Instant t) {
      now.set(t);
    }

    public void advance(Duration d) {
      now.updateAndGet(t -> t.plus(d));
    }

    @Override
    public Instant instant() {
      return now.get();
    }

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      throw new UnsupportedOperationException("UTC only");
    }
  }

  public static SecureRandom random() {
    return new SecureRandom();
  }

  public static SpiffeId id(String path) {
    return new SpiffeId(TD.name(), path);
  }

  public static KeyPair ecKey() {
    return keyPair("EC", 0, "secp256r1");
  }

  public static KeyPair ed25519Key() {
    return keyPair("Ed25519", 0, null);
  }

  public static KeyPair rsaKey(int bits) {
    return keyPair("RSA", bits, null);
  }

  public static KeyPair keyPair(String alg, int bits, String curve) {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance(alg);
      if (curve != null) {
        g.initialize(new ECGenParameterSpec(curve));
      } else if (bits > 0) {
        g.initialize(bits);
      }
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new AssertionError(e);
    }
  }

  /** The default signature algorithm for a key of {@code kp}. */
  public static String sigAlg(KeyPair kp) {
    return switch (kp.getPublic().getAlgorithm()) {
      case "EC" -> "SHA256withECDSA";
      case "RSA" -> "SHA256withRSA";
      default -> "Ed25519";
    };
  }

  /** A DER CSR for {@code kp}, subject CN=ignored and, if given, a URI SAN request. */
  public static byte[] csr(KeyPair kp, String sigAlg, Optional<String> requestedUri) {
    try {
      PKCS10CertificationRequestBuilder b =
          new JcaPKCS10CertificationRequestBuilder(
              new X500Name("CN=ignored by the server"), kp.getPublic());
      if (requestedUri.isPresent()) {
        var exts = new org.bouncycastle.asn1.x509.ExtensionsGenerator();
        exts.addExtension(
            org.bouncycastle.asn1.x509.Extension.subjectAlternativeName,
            false,
            new GeneralNames(
                new GeneralName(GeneralName.uniformResourceIdentifier, requestedUri.get())));
        b.addAttribute(
            org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers.pkcs_9_at_extensionRequest,
            exts.generate());
      }
      return b.build(new JcaContentSignerBuilder(sigAlg).build(kp.getPrivate())).getEncoded();
    } catch (OperatorCreationException | IOException e) {
      throw new AssertionError(e);
    }
  }

  public static byte[] csr(KeyPair kp) {
    return csr(kp, sigAlg(kp), Optional.empty());
  }

  public static SpiffeCa newCa(Clock clock) {
    try {
      return SpiffeCa.loadOrCreate(Files.createTempDirectory("writ-ca-"), TD, clock, random());
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  /** An EC P-256 key, a CSR for it, an SVID for {@code id} from {@code ca}, paired. */
  public static SvidCredentials credentials(SpiffeCa ca, SpiffeId id, Duration ttl) {
    KeyPair kp = ecKey();
    try {
      X509Svid svid = ca.issue(Csr.parse(csr(kp)), id, ttl);
      return SvidCredentials.of(svid, kp.getPrivate());
    } catch (SvidException e) {
      throw new AssertionError(e);
    }
  }

  /** The server's own credentials from {@code ca}. */
  public static SvidCredentials serverCredentials(SpiffeCa ca, SpiffeId id, Duration ttl) {
    KeyPair kp = ecKey();
    X509Svid svid =
        ca.issueServer(
            kp.getPublic(),
            id,
            java.util.List.of("localhost"),
            java.util.List.of(java.net.InetAddress.getLoopbackAddress()),
            ttl);
    try {
      return SvidCredentials.of(svid, kp.getPrivate());
    } catch (SvidException e) {
      throw new AssertionError(e);
    }
  }

  /** The vectors folder {@code sub}; fails (never skips) when it is missing. */
  public static Path vectors(String sub) {
    String property = System.getProperty("writ.vectors.dir");
    if (property == null || property.isBlank()) {
      throw new AssertionError("system property writ.vectors.dir is not set");
    }
    Path dir = Path.of(property).resolve(sub);
    if (!Files.isDirectory(dir)) {
      throw new AssertionError("vectors folder " + dir + " does not exist");
    }
    return dir;
  }

  public static BigInteger serialOf(SvidCredentials c) {
    return c.svid().serial();
  }
}
