package dev.writ.identity.svid;

import static dev.writ.identity.svid.SvidTestKit.T0;
import static dev.writ.identity.svid.SvidTestKit.TD;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.writ.core.SpiffeId;
import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpiffeCaTest {
  private static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
  private static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";

  @TempDir Path dir;

  private final SvidTestKit.TestClock clock = new SvidTestKit.TestClock(T0);

  private SpiffeCa ca() throws IOException {
    return SpiffeCa.loadOrCreate(dir, TD, clock, SvidTestKit.random());
  }

  @Test
  void loadOrCreate_emptyFolder_writesKey0600AndCertificate() throws IOException {
    ca();
    Path key = dir.resolve("ca-key.pem");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key)))
        .isEqualTo("rw-------");
    assertThat(Files.readString(key)).startsWith("-----BEGIN PRIVATE KEY-----\n");
    assertThat(Files.readString(dir.resolve("ca-cert.pem")))
        .startsWith("-----BEGIN CERTIFICATE-----\n");
    try (var files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrder("ca-key.pem", "ca-cert.pem");
    }
  }

  @Test
  void loadOrCreate_restart_reusesTheSameCa() throws IOException, SvidException {
    SpiffeCa first = ca();
    String keyBefore = Files.readString(dir.resolve("ca-key.pem"));
    clock.advance(Duration.ofDays(2));
    SpiffeCa second = ca();
    assertThat(second.certificate()).isEqualTo(first.certificate());
    assertThat(Files.readString(dir.resolve("ca-key.pem"))).isEqualTo(keyBefore);
    // an SVID from the restarted CA validates against the first CA's bundle
    SvidCredentials c =
        SvidTestKit.credentials(second, SvidTestKit.id("/node/a"), Duration.ofHours(1));
    assertThat(SvidValidator.validate(c.svid().chain(), first.bundle(), clock.instant()).id())
        .isEqualTo(SvidTestKit.id("/node/a"));
  }

  @Test
  void loadOrCreate_racingCreators_allUseOneCa() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<X509Certificate>> results = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        results.add(pool.submit(() -> ca().certificate()));
      }
      Set<X509Certificate> certs = new HashSet<>();
      for (Future<X509Certificate> f : results) {
        certs.add(f.get(60, TimeUnit.SECONDS));
      }
      assertThat(certs).hasSize(1);
      assertThat(certs.iterator().next()).isEqualTo(ca().certificate());
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void loadOrCreate_keyReadableByOthers_refused() throws IOException {
    ca();
    Files.setPosixFilePermissions(
        dir.resolve("ca-key.pem"), PosixFilePermissions.fromString("rw-r--r--"));
    assertThatThrownBy(this::ca).isInstanceOf(IOException.class).hasMessageContaining("0600");
  }

  @Test
  void loadOrCreate_otherTrustDomain_refused() throws IOException {
    ca();
    assertThatThrownBy(
            () ->
                SpiffeCa.loadOrCreate(
                    dir, new TrustDomain("other.org"), clock, SvidTestKit.random()))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("spiffe://other.org");
  }

  @Test
  void loadOrCreate_corruptKey_refused() throws IOException {
    ca();
    Files.writeString(
        dir.resolve("ca-key.pem"),
        "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n");
    assertThatThrownBy(this::ca).isInstanceOf(IOException.class).hasMessageContaining("ca-key.pem");
  }

  @Test
  void loadOrCreate_certificateOfAnotherKey_refused() throws IOException {
    ca();
    Path other = Files.createTempDirectory(dir.getParent(), "other-ca-");
    SpiffeCa.loadOrCreate(other, TD, clock, SvidTestKit.random());
    Files.copy(
        other.resolve("ca-cert.pem"),
        dir.resolve("ca-cert.pem"),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    assertThatThrownBy(this::ca)
        .isInstanceOf(IOException.class)
        .hasMessageContaining("not the certificate of ca-key.pem");
  }

  @Test
  void loadOrCreate_missingCertificate_recreatedForTheSameKey() throws IOException {
    SpiffeCa first = ca();
    Files.delete(dir.resolve("ca-cert.pem"));
    SpiffeCa second = ca();
    assertThat(second.certificate().getPublicKey()).isEqualTo(first.certificate().getPublicKey());
  }

  @Test
  void caCertificate_followsTheProfile() throws Exception {
    X509Certificate cert = ca().certificate();
    assertThat(cert.getBasicConstraints()).isEqualTo(0);
    assertThat(cert.getCriticalExtensionOIDs()).contains(Extension.basicConstraints.getId());
    assertThat(cert.getCriticalExtensionOIDs()).contains(Extension.keyUsage.getId());
    boolean[] ku = cert.getKeyUsage();
    assertThat(ku[5]).as("keyCertSign").isTrue();
    assertThat(ku[6]).as("cRLSign").isTrue();
    assertThat(ku[0]).as("digitalSignature").isFalse();
    assertThat(cert.getSubjectAlternativeNames())
        .containsExactly(List.of(6, "spiffe://example.org"));
    assertThat(cert.getSubjectX500Principal()).isEqualTo(cert.getIssuerX500Principal());
    cert.verify(cert.getPublicKey());
    assertThat(cert.getSigAlgName()).isEqualTo("SHA256withECDSA");
    assertThat(cert.getPublicKey().getAlgorithm()).isEqualTo("EC");
    assertThat(cert.getNotBefore().toInstant()).isEqualTo(T0.minus(SpiffeCa.BACKDATE));
    assertThat(cert.getNotAfter().toInstant()).isEqualTo(T0.plus(SpiffeCa.CA_VALIDITY));
  }

  @Test
  void issue_leafFollowsTheSvidProfile() throws Exception {
    SpiffeCa ca = ca();
    SpiffeId id = SvidTestKit.id("/node/web-1");
    clock.set(T0.plusSeconds(3600));
    X509Svid svid =
        ca.issue(Csr.parse(SvidTestKit.csr(SvidTestKit.ecKey())), id, Duration.ofHours(1));
    X509Certificate leaf = svid.leaf();
    assertThat(svid.chain()).containsExactly(leaf, ca.certificate());
    assertThat(leaf.getSubjectAlternativeNames()).containsExactly(List.of(6, id.toString()));
    assertThat(leaf.getCriticalExtensionOIDs())
        .contains(Extension.keyUsage.getId(), Extension.subjectAlternativeName.getId());
    assertThat(leaf.getBasicConstraints()).isEqualTo(-1);
    boolean[] ku = leaf.getKeyUsage();
    assertThat(ku[0]).as("digitalSignature").isTrue();
    for (int i = 1; i < ku.length; i++) {
      assertThat(ku[i]).as("key usage bit %d", i).isFalse();
    }
    assertThat(leaf.getExtendedKeyUsage()).containsExactly(SERVER_AUTH, CLIENT_AUTH);
    assertThat(leaf.getNotBefore().toInstant()).isEqualTo(clock.instant().minus(SpiffeCa.BACKDATE));
    assertThat(leaf.getNotAfter().toInstant()).isEqualTo(clock.instant().plus(Duration.ofHours(1)));
    assertThat(svid.notAfter()).isEqualTo(leaf.getNotAfter().toInstant());
    byte[] caSki = keyIdentifier(ca.certificate(), Extension.subjectKeyIdentifier);
    byte[] aki =
        AuthorityKeyIdentifier.getInstance(
                ASN1OctetString.getInstance(
                        leaf.getExtensionValue(Extension.authorityKeyIdentifier.getId()))
                    .getOctets())
            .getKeyIdentifierOctets();
    assertThat(aki).isEqualTo(caSki);
    assertThat(keyIdentifier(leaf, Extension.subjectKeyIdentifier)).hasSize(20);
    leaf.verify(ca.certificate().getPublicKey());
  }

  @Test
  void issue_serialsArePositiveRandom128Bit() throws Exception {
    SpiffeCa ca = ca();
    Csr csr = Csr.parse(SvidTestKit.csr(SvidTestKit.ecKey()));
    Set<BigInteger> serials = new HashSet<>();
    for (int i = 0; i < 20; i++) {
      BigInteger s = ca.issue(csr, SvidTestKit.id("/node/a"), Duration.ofMinutes(5)).serial();
      assertThat(s.signum()).isEqualTo(1);
      assertThat(s.bitLength()).isLessThanOrEqualTo(128);
      serials.add(s);
    }
    assertThat(serials).hasSize(20);
  }

  @Test
  void issue_ttlPastCaNotAfter_cappedAtCaNotAfter() throws Exception {
    SpiffeCa ca = ca();
    Instant caEnd = ca.certificate().getNotAfter().toInstant();
    clock.set(caEnd.minus(Duration.ofHours(1)));
    X509Svid svid =
        ca.issue(
            Csr.parse(SvidTestKit.csr(SvidTestKit.ecKey())),
            SvidTestKit.id("/n"),
            Duration.ofDays(2));
    assertThat(svid.notAfter()).isEqualTo(caEnd);
  }

  @Test
  void issue_badTtlOrForeignId_refused() throws Exception {
    SpiffeCa ca = ca();
    Csr csr = Csr.parse(SvidTestKit.csr(SvidTestKit.ecKey()));
    SpiffeId id = SvidTestKit.id("/node/a");
    assertThatThrownBy(() -> ca.issue(csr, id, Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ca.issue(csr, id, Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ca.issue(csr, id, SpiffeCa.MAX_TTL.plusSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () -> ca.issue(csr, new SpiffeId("other.org", "/node/a"), Duration.ofHours(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("outside trust domain");
  }

  @Test
  void issueServer_addsDnsAndIpSans() throws Exception {
    SpiffeCa ca = ca();
    KeyPair kp = SvidTestKit.ecKey();
    SpiffeId id = SvidTestKit.id("/writ/server");
    X509Svid svid =
        ca.issueServer(
            kp.getPublic(),
            id,
            List.of("writ.example.org", "localhost"),
            List.of(
                InetAddress.getByAddress(new byte[] {127, 0, 0, 1}),
                InetAddress.getByAddress(ipv6Loopback())),
            Duration.ofDays(1));
    assertThat(svid.leaf().getSubjectAlternativeNames())
        .containsExactly(
            List.of(6, id.toString()),
            List.of(2, "writ.example.org"),
            List.of(2, "localhost"),
            List.of(7, "127.0.0.1"),
            List.of(7, "0:0:0:0:0:0:0:1"));
    assertThat(SvidValidator.validate(svid.chain(), ca.bundle(), clock.instant()).id())
        .isEqualTo(id);
  }

  @Test
  void issueServer_badDnsNameOrKey_refused() throws Exception {
    SpiffeCa ca = ca();
    SpiffeId id = SvidTestKit.id("/writ/server");
    KeyPair ec = SvidTestKit.ecKey();
    assertThatThrownBy(
            () ->
                ca.issueServer(
                    ec.getPublic(), id, List.of("bad name"), List.of(), Duration.ofDays(1)))
        .isInstanceOf(IllegalArgumentException.class);
    KeyPair p384 = SvidTestKit.keyPair("EC", 0, "secp384r1");
    assertThatThrownBy(
            () -> ca.issueServer(p384.getPublic(), id, List.of(), List.of(), Duration.ofDays(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("P-256");
  }

  private static byte[] ipv6Loopback() {
    byte[] a = new byte[16];
    a[15] = 1;
    return a;
  }

  private static byte[] keyIdentifier(
      X509Certificate cert, org.bouncycastle.asn1.ASN1ObjectIdentifier oid) {
    return SubjectKeyIdentifier.getInstance(
            ASN1OctetString.getInstance(cert.getExtensionValue(oid.getId())).getOctets())
        .getKeyIdentifier();
  }
}
