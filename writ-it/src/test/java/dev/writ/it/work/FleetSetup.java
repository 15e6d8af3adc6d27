package dev.writ.it.work;

import static dev.writ.it.work.WorkFleet.PASSWORD;
import static dev.writ.it.work.WorkFleet.TD;
import static dev.writ.it.work.WorkFleet.TPM_TIMEOUT;
import static dev.writ.it.work.WorkFleet.key;
import static dev.writ.it.work.WorkFleet.ok;
import static dev.writ.it.work.WorkFleet.open;
import static dev.writ.it.work.WorkFleet.put;
import static org.assertj.core.api.Assertions.assertThat;

import dev.writ.core.SpiffeId;
import dev.writ.identity.Fingerprint;
import dev.writ.identity.svid.TrustBundle;
import dev.writ.identity.svid.TrustDomain;
import dev.writ.identity.tpm.SwtpmProcess;
import dev.writ.it.server.Children;
import dev.writ.it.server.CliProcess;
import dev.writ.it.server.ServerProcess;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Builds a {@link WorkFleet} the way operators and hosts would, every step a {@code writ} command
 * in its own process: three keys ({@code writ key generate}); two swtpms sharing one local CA; two
 * roots of the same keys ({@code writ root init --policy --attestation-file}, {@code writ root
 * sign}), one with {@code sandbox_floor: process} for the server and the hosts, one with {@code
 * sandbox_floor: wasm}; {@code writ server}; and for each host {@code writ enroll open}, {@code
 * writ sign}, {@code writ approve} and {@code writ agent enroll --tpm}. Between the two enrollments
 * it opens one request ({@code writ execute}) that can then never name web-2. Stateless.
 */
final class FleetSetup {
  private FleetSetup() {}

  /** Everything the fleet is made of, filled in by {@link #start}. */
  static final class Parts {
    Path dir;
    CliProcess writ;
    Children children;
    ServerProcess server;
    URI base;
    Path bundleFile;
    TrustBundle bundle;
    String logKey;
    Path logKeyFile;
    Path rootFile;
    Path strictRootFile;
    OperatorClient operator;
    WorkFleet.Node web1;
    WorkFleet.Node web2;
    WorkFleet.Opened openedBeforeWeb2;
  }

  /** Builds the fleet in {@code dir}: keys, TPMs, roots, the server, and both enrollments. */
  static WorkFleet start(Path dir) throws Exception {
    Parts b = new Parts();
    b.dir = dir;
    b.writ = new CliProcess(dir.resolve("cli"), Map.of("WRIT_KEY_PASSWORD", PASSWORD));
    b.children = new Children(dir.resolve("logs"));
    ExecutorService pool = Executors.newFixedThreadPool(3);
    SwtpmProcess tpm1 = null;
    SwtpmProcess tpm2 = null;
    try {
      List<Future<?>> keys = new ArrayList<>();
      for (String k : List.of("root", "alice", "bob")) {
        keys.add(
            pool.submit(
                (Callable<Void>)
                    () -> {
                      ok(b.writ.run("key", "generate", "--out", key(dir, k)));
                      return null;
                    }));
      }
      // one local CA for both swtpms: the authority the root lists
      tpm1 = SwtpmProcess.start(dir.resolve("tpm-1"), dir.resolve("tpm-ca"), TPM_TIMEOUT);
      tpm2 = SwtpmProcess.start(dir.resolve("tpm-2"), dir.resolve("tpm-ca"), TPM_TIMEOUT);
      for (Future<?> f : keys) {
        f.get();
      }
      Path attestation =
          Files.writeString(
              dir.resolve("attestation.json"),
              """
              {"tpm_authorities": [], "tpm_software_authorities": ["%s"], "tpm_pcrs": [],
               "sev_snp_authorities": [], "sev_snp_min_tcb": [0, 0, 0, 0],
               "sev_snp_measurements": [], "tdx_authorities": [], "tdx_mrtds": []}
              """
                  .formatted(Fingerprint.of(tpm1.rootCertificate()).hex()));
      Future<Path> strict = pool.submit(() -> root(b.writ, dir, "strict", "wasm", attestation));
      b.rootFile = root(b.writ, dir, "fleet", "process", attestation);
      b.strictRootFile = strict.get();
      b.server =
          b.children.start(
              "server",
              List.of(
                  "--data",
                  dir.resolve("server").toString(),
                  "--root",
                  b.rootFile.toString(),
                  "--listen",
                  "127.0.0.1:0"));
      b.base = URI.create("https://" + b.server.printed("listening https://"));
      b.bundleFile = Path.of(b.server.printed("bundle "));
      b.bundle = TrustBundle.parse(new TrustDomain(TD), Files.readAllBytes(b.bundleFile));
      b.logKey = b.server.printed("log key ");
      b.logKeyFile = Files.writeString(dir.resolve("log.vkey"), b.logKey + "\n");
      b.operator = new OperatorClient(b.base, b.bundle);
      b.web1 = enroll(b, "web-1", tpm1);
      tpm1 = null;
      // before web-2 exists: a glob that will match it, a target list that never will
      b.openedBeforeWeb2 =
          open(
              b.writ,
              b.base,
              b.bundleFile,
              dir,
              "execute",
              put(
                  b.writ,
                  b.base,
                  b.bundleFile,
                  dir,
                  WasmModules.helloTagged("opened-before-web-2")),
              "spiffe://" + TD + "/node/*",
              Optional.of("wasm"),
              "before-web-2");
      assertThat(b.openedBeforeWeb2.targets()).containsExactly(b.web1.id().toString());
      b.web2 = enroll(b, "web-2", tpm2);
      tpm2 = null;
      return new WorkFleet(b);
    } catch (Exception | AssertionError e) {
      if (b.children != null) {
        e.addSuppressed(new AssertionError("server output:\n" + b.children.tails()));
        b.children.close();
      }
      if (b.operator != null) {
        b.operator.close();
      }
      for (SwtpmProcess t : new SwtpmProcess[] {tpm1, tpm2}) {
        if (t != null) {
          t.close();
        }
      }
      throw e;
    } finally {
      pool.shutdownNow();
    }
  }

  private static Path root(CliProcess writ, Path dir, String name, String floor, Path attestation)
      throws Exception {
    Path policy = Files.writeString(dir.resolve(name + "-policy.yaml"), "sandbox_floor: " + floor);
    Path payload = dir.resolve(name + "-root.payload");
    ok(
        writ.run(
            "root",
            "init",
            "--trust-domain",
            TD,
            "--expires",
            LocalDate.now(ZoneOffset.UTC).plusDays(30).toString(),
            "--key",
            "root=" + key(dir, "root"),
            "--key",
            "initiator=" + key(dir, "alice"),
            "--key",
            "approver=" + key(dir, "bob"),
            "--key",
            "pauser=" + key(dir, "alice"),
            "--key",
            "auditor=" + key(dir, "alice"),
            "--policy",
            policy.toString(),
            "--attestation-file",
            attestation.toString(),
            "--out",
            payload.toString()));
    Path root = dir.resolve(name + "-root.json");
    ok(
        writ.run(
            "root",
            "sign",
            payload.toString(),
            "--key",
            key(dir, "root"),
            "--out",
            root.toString()));
    return root;
  }

  private static WorkFleet.Node enroll(Parts b, String host, SwtpmProcess tpm) throws Exception {
    Path payload = b.dir.resolve(host + "-enroll.payload");
    ok(
        b.writ.run(
            "enroll",
            "open",
            "--server",
            b.base.toString(),
            "--bundle",
            b.bundleFile.toString(),
            "--host",
            host,
            "-o",
            payload.toString()));
    Path w = b.dir.resolve(host + "-enroll.writ");
    ok(b.writ.run("sign", payload.toString(), "--key", key(b.dir, "alice"), "--out", w.toString()));
    ok(b.writ.run("approve", w.toString(), "--key", key(b.dir, "bob")));
    StringBuilder pem = new StringBuilder();
    for (X509Certificate c : tpm.caCertificates()) {
      pem.append(pem(c));
    }
    Path ekCa = Files.writeString(b.dir.resolve(host + "-ek-ca.pem"), pem);
    Path data = b.dir.resolve(host);
    CliProcess.Result r =
        ok(
            b.writ.run(
                "agent",
                "enroll",
                "--server",
                b.base.toString(),
                "--bundle",
                b.bundleFile.toString(),
                "--writ",
                w.toString(),
                "--name",
                host,
                "--data",
                data.toString(),
                "--tpm",
                tpm.tcti(),
                "--ek-ca",
                ekCa.toString()));
    assertThat(r.out()).contains("posture attested-software");
    return new WorkFleet.Node(host, new SpiffeId(TD, "/node/" + host), tpm, data, ekCa);
  }

  private static String pem(X509Certificate c) throws CertificateEncodingException {
    return "-----BEGIN CERTIFICATE-----\n"
        + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(c.getEncoded())
        + "\n-----END CERTIFICATE-----\n";
  }
}
