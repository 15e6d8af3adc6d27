package dev.writ.cli;

import dev.writ.agent.AgentRunner;
import dev.writ.agent.EnrollException;
import dev.writ.agent.Enroller;
import dev.writ.agent.Renewer;
import dev.writ.agent.TpmDevice;
import dev.writ.core.Limits;
import dev.writ.core.Posture;
import dev.writ.core.SpiffeId;
import dev.writ.identity.svid.SvidCredentials;
import dev.writ.identity.svid.SvidException;
import dev.writ.identity.svid.SvidFailure;
import dev.writ.identity.svid.SvidPem;
import dev.writ.identity.svid.SvidValidator;
import dev.writ.identity.svid.TrustBundle;
import dev.writ.identity.svid.X509Svid;
import dev.writ.identity.tpm.TpmPrivateKey;
import dev.writ.identity.tpm.TpmToolException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "agent",
    mixinStandardHelpOptions = true,
    description = {
      "The node agent's commands, run on the host itself. The agent holds its own",
      "key, never an operator key. 'enroll' joins the fleet with a signed enroll",
      "writ; 'renew' replaces the SVID before it expires with fresh TPM evidence",
      "(docs/spec/enrollment.md); 'run' receives work over one outbound stream,",
      "checks every writ again with the host's own root and acts at most once",
      "(docs/spec/work.md)."
    },
    subcommands = {AgentCommands.Enroll.class, AgentCommands.Renew.class, AgentRunCommand.class})
final class AgentCommands implements Runnable {
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  @Command(
      name = "enroll",
      mixinStandardHelpOptions = true,
      description = {
        "Enroll this host (enrollment.md 3.2, 3.3): generate a P-256 key (inside the",
        "TPM with --tpm, where it stays), ask the server for a challenge with the",
        "writ, answer with TPM evidence bound to the challenge and the key (or",
        "none), and keep the X.509-SVID it issues.",
        "Talks only to --server over TLS 1.3, trusting only --bundle and the",
        "server's SPIFFE ID; opens no listener.",
        "Without --tpm the node enrolls degraded: no replicas, no execution.",
        "Writes DIR/svid.pem (certificates, and the key unless the TPM holds it;",
        "mode 0600), DIR/bundle.pem and DIR/receipt.json (the receipt of the",
        "audited allow).",
        "Exit status: 0 enrolled, 1 refused by the server (its reason code is",
        "printed), 2 usage error, unreachable server or a local failure (TPM,",
        "files), 3 not decided (rate limited, overloaded, ledger unavailable:",
        "retry later)."
      })
  static final class Enroll implements Callable<Integer> {
    /** Server reason codes that mean "not decided, retry" (api.md), not a refusal. */
    static final Set<String> UNDECIDED = Set.of("RATE_LIMITED", "OVERLOADED", "LEDGER_UNAVAILABLE");

    /** An EK chain is 1 to 5 certificates (attestation-tpm.md, check 3): at most 4 issuers. */
    static final int MAX_EK_ISSUERS = 4;

    /** enrollment.md section 5.2. */
    private static final Set<String> ADVISORY = Set.of("mac", "serial", "gpu_uuid");

    private static final Pattern ADVISORY_VALUE = Pattern.compile("[\\x20-\\x7e]{0,128}");

    private final WritCli.Env env;

    @Option(
        names = "--server",
        required = true,
        paramLabel = "URL",
        description = "The server's TLS listener, https://HOST:PORT.")
    String server;

    @Option(
        names = "--bundle",
        required = true,
        paramLabel = "FILE",
        description = "The trust bundle (the server's CA certificates, PEM), given with the writ.")
    Path bundle;

    @Option(
        names = "--writ",
        required = true,
        paramLabel = "FILE",
        description = "The signed and approved enroll writ.")
    Path writ;

    @Option(
        names = "--name",
        required = true,
        paramLabel = "NAME",
        description = "This host's node name, as the writ was opened for.")
    String name;

    @Option(
        names = "--data",
        required = true,
        paramLabel = "DIR",
        description = "Where the agent keeps its SVID, bundle and receipt (created mode 0700).")
    Path data;

    @Mixin TpmOptions tpm = new TpmOptions();

    @Option(
        names = "--advisory",
        paramLabel = "KEY=VALUE",
        split = ",",
        description =
            "Facts stored as reported and never trusted: mac, serial, gpu_uuid (enrollment.md"
                + " 5.2), e.g. --advisory mac=02:00:00:00:00:01,serial=ABC123.")
    Map<String, String> advisory = new LinkedHashMap<>();

    Enroll(WritCli.Env env) {
      this.env = env;
    }

    @Override
    public Integer call() throws CliException {
      EnrollCommands.checkName(name, "--name");
      SortedMap<String, String> facts = advisory();
      tpm.check();
      ServerTrust trust = ServerTrust.of(server, bundle);
      byte[] envelope = Files2.read(writ);
      if (envelope.length > Limits.MAX_ENVELOPE_BYTES) {
        throw new CliException(
            writ
                + " is "
                + envelope.length
                + " bytes; a writ is at most "
                + Limits.MAX_ENVELOPE_BYTES);
      }
      Optional<TpmDevice> device = device().map(this::keepingCurrent);
      Enroller.Enrolled enrolled;
      try {
        enrolled =
            new Enroller(env.clock(), env.random())
                .enroll(
                    new Enroller.Request(
                        trust.server(), trust.bundle(), name, envelope, device, facts));
      } catch (EnrollException e) {
        if (e.reason().isEmpty()) {
          throw new CliException(e.getMessage(), e);
        }
        if (UNDECIDED.contains(e.reason().get())) {
          env.err()
              .println("writ: the server did not decide (" + e.reason().get() + "); retry later");
          return SubmitCommand.NOT_DECIDED;
        }
        env.err().println("writ: enrollment of " + name + " " + e.getMessage());
        return WritCli.DENIED;
      }
      Posture posture = check(enrolled, trust.nodeId(name));
      TrustBundle issued = issuedBundle(enrolled, trust.bundle());
      write(enrolled, issued);
      report(enrolled, posture);
      return WritCli.OK;
    }

    private SortedMap<String, String> advisory() throws CliException {
      SortedMap<String, String> out = new TreeMap<>();
      for (Map.Entry<String, String> e : advisory.entrySet()) {
        if (!ADVISORY.contains(e.getKey())) {
          throw new CliException(
              "--advisory knows mac, serial and gpu_uuid, not \"" + e.getKey() + "\"");
        }
        if (!ADVISORY_VALUE.matcher(e.getValue()).matches()) {
          throw new CliException(
              "--advisory " + e.getKey() + " must be at most 128 printable ASCII characters");
        }
        out.put(e.getKey(), e.getValue());
      }
      return out;
    }

    private Optional<TpmDevice> device() throws CliException {
      return tpm.device(data);
    }

    /**
     * Enrolling again where an SVID is kept: its TPM key is left alone until the new SVID is
     * written, so a failed enrollment does not break the node's current identity.
     */
    private TpmDevice keepingCurrent(TpmDevice device) {
      Path current = data.resolve(SVID_FILE);
      if (!Files.isRegularFile(current)) {
        return device;
      }
      try {
        return device.keeping(SvidPem.certificates(Files2.read(current)).getFirst().getPublicKey());
      } catch (CliException | SvidException e) {
        return device; // unreadable: nothing usable to keep
      }
    }

    static List<X509Certificate> certificates(Path file) throws CliException {
      Collection<? extends Certificate> parsed;
      try {
        parsed =
            CertificateFactory.getInstance("X.509")
                .generateCertificates(new ByteArrayInputStream(Files2.read(file)));
      } catch (CertificateException e) {
        throw new CliException(file + " is not PEM certificates: " + e.getMessage(), e);
      }
      List<X509Certificate> out = new ArrayList<>();
      for (Certificate c : parsed) {
        if (!(c instanceof X509Certificate x)) {
          throw new CliException(file + " holds a certificate that is not X.509");
        }
        out.add(x);
      }
      if (out.isEmpty() || out.size() > MAX_EK_ISSUERS) {
        throw new CliException(
            file + " must hold 1 to " + MAX_EK_ISSUERS + " certificates, has " + out.size());
      }
      return out;
    }

    /** The SVID is this node's, and the posture one the spec names; otherwise nothing is kept. */
    private static Posture check(Enroller.Enrolled e, SpiffeId expected) throws CliException {
      if (!e.id().equals(expected)) {
        throw new CliException(
            "the server issued an SVID for " + e.id() + ", not for " + expected + "; not kept");
      }
      return Posture.fromWire(e.posture())
          .orElseThrow(
              () -> new CliException("the server answered an unknown posture: " + e.posture()));
    }

    /** The bundle the server returned: same trust domain, and it validates the new SVID. */
    private TrustBundle issuedBundle(Enroller.Enrolled e, TrustBundle given) throws CliException {
      try {
        TrustBundle b =
            TrustBundle.parse(
                given.trustDomain(), e.bundlePem().getBytes(StandardCharsets.US_ASCII));
        SvidValidator.validate(e.credentials().svid().chain(), b, env.clock().instant());
        return b;
      } catch (SvidException ex) {
        throw new CliException("the server's bundle does not hold: " + ex.getMessage(), ex);
      }
    }

    /** receipt and bundle first, the SVID file last: its presence means the set is complete. */
    private void write(Enroller.Enrolled e, TrustBundle issued) throws CliException {
      try {
        if (!Files.isDirectory(data)) {
          if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            Files.createDirectories(
                data,
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
          } else {
            Files.createDirectories(data);
          }
        }
      } catch (IOException ex) {
        throw new CliException("cannot create " + data + ": " + ex.getMessage(), ex);
      }
      Files2.writeString(data.resolve("receipt.json"), e.receipt() + "\n");
      Files2.writeString(data.resolve(BUNDLE_FILE), issued.format());
      Files2.writeString(data.resolve(AgentRunner.POSTURE_FILE), e.posture() + "\n");
      writeSvid(data, e.credentials());
    }

    private void report(Enroller.Enrolled e, Posture posture) {
      X509Svid svid = e.credentials().svid();
      env.out().println("enrolled " + e.id());
      env.out().println("posture " + posture.wire());
      env.out()
          .println("svid serial " + svid.serial().toString(16) + " expires " + svid.notAfter());
      env.out()
          .println(
              "wrote "
                  + data.resolve(SVID_FILE)
                  + " ("
                  + keyNote(e.credentials())
                  + "), "
                  + data.resolve(BUNDLE_FILE)
                  + ", "
                  + data.resolve("receipt.json"));
      switch (posture) {
        case ATTESTED, ATTESTED_SOFTWARE -> {}
        case DEGRADED ->
            env.out()
                .println(
                    !tpm.given()
                        ? "degraded: enrolled without hardware evidence (no --tpm); this node"
                            + " holds no replicas and executes nothing until it enrolls with a TPM"
                        : "degraded: the root's attestation policy lists no authority the TPM's"
                            + " EK chain reaches; this node holds no replicas and executes nothing");
      }
    }
  }

  static final String SVID_FILE = "svid.pem";
  static final String BUNDLE_FILE = "bundle.pem";

  /** {@code --tpm} and {@code --ek-ca}, shared by enroll and renew. */
  static final class TpmOptions {
    @Option(
        names = "--tpm",
        paramLabel = "TCTI",
        description =
            "The TPM 2.0, as tpm2-tools reach it: device:/dev/tpmrm0 or"
                + " swtpm:host=127.0.0.1,port=2321. The node key is made and kept inside it."
                + " Needs --ek-ca.")
    String tcti;

    @Option(
        names = "--ek-ca",
        paramLabel = "FILE",
        description =
            "PEM certificates that issued the TPM's EK certificate, issuer first, up to its root"
                + " (from the TPM vendor, or swtpm's local CA).")
    Path ekCa;

    boolean given() {
      return tcti != null;
    }

    /** Both or neither. */
    void check() throws CliException {
      if ((tcti == null) != (ekCa == null)) {
        throw new CliException(
            tcti == null ? "--ek-ca is for --tpm; give both or neither" : "--tpm needs --ek-ca");
      }
    }

    /** The TPM, tpm2-tools working in DATA/tpm; or none. */
    Optional<TpmDevice> device(Path data) throws CliException {
      if (tcti == null) {
        return Optional.empty();
      }
      List<X509Certificate> issuers = Enroll.certificates(ekCa);
      try {
        return Optional.of(TpmDevice.open(tcti, data.resolve("tpm"), issuers));
      } catch (IOException e) {
        throw new CliException("cannot prepare the TPM's working directory: " + e.getMessage(), e);
      }
    }
  }

  /** Writes DIR/svid.pem last of the set: its presence means the set is complete. */
  static void writeSvid(Path data, SvidCredentials credentials) throws CliException {
    Path svid = data.resolve(SVID_FILE);
    try {
      SvidPem.write(svid, credentials);
    } catch (IOException ex) {
      throw new CliException("cannot write " + svid + ": " + ex.getMessage(), ex);
    }
  }

  /** What svid.pem holds besides the certificates. */
  static String keyNote(SvidCredentials credentials) {
    return credentials.privateKey() instanceof TpmPrivateKey k
        ? String.format("certificates, mode 0600; the key stays in the TPM at 0x%08x", k.handle())
        : "certificates and key, mode 0600";
  }

  @Command(
      name = "renew",
      mixinStandardHelpOptions = true,
      description = {
        "Renew this host's SVID before it expires (enrollment.md 3.4): connect with",
        "the current SVID from DIR/svid.pem over mutual TLS 1.3, answer the server's",
        "challenge with a fresh TPM quote bound to a new key (made inside the TPM, at",
        "the node key handle the current key is not at), and replace DIR/svid.pem",
        "and DIR/bundle.pem. No writ: only a node enrolled with a TPM, presenting a",
        "quote from the same TPM, is renewed; no quote, no renewal. An expired or",
        "revoked SVID cannot connect: enroll again.",
        "Exit status: 0 renewed, 1 refused by the server (its reason code is",
        "printed), 2 usage error, unreachable server or a local failure (TPM,",
        "files), 3 not decided (retry later)."
      })
  static final class Renew implements Callable<Integer> {
    private final WritCli.Env env;

    @Option(
        names = "--server",
        required = true,
        paramLabel = "URL",
        description = "The server's TLS listener, https://HOST:PORT.")
    String server;

    @Option(
        names = "--data",
        required = true,
        paramLabel = "DIR",
        description = "The agent's folder from 'writ agent enroll': svid.pem and bundle.pem.")
    Path data;

    @Mixin TpmOptions tpm = new TpmOptions();

    Renew(WritCli.Env env) {
      this.env = env;
    }

    @Override
    public Integer call() throws CliException {
      tpm.check();
      ServerTrust trust = ServerTrust.of(server, data.resolve(BUNDLE_FILE));
      Optional<TpmDevice> device = tpm.device(data);
      SvidCredentials current = loadSvid(data, trust.bundle(), device, env.clock());
      Renewer.Renewed renewed;
      try {
        renewed =
            new Renewer(env.clock(), env.random())
                .renew(new Renewer.Request(trust.server(), trust.bundle(), current, device));
      } catch (EnrollException e) {
        if (e.reason().isEmpty()) {
          throw new CliException(e.getMessage(), e);
        }
        if (Enroll.UNDECIDED.contains(e.reason().get())) {
          env.err()
              .println("writ: the server did not decide (" + e.reason().get() + "); retry later");
          return SubmitCommand.NOT_DECIDED;
        }
        env.err().println("writ: renewal of " + current.svid().id() + " " + e.getMessage());
        return WritCli.DENIED;
      }
      TrustBundle issued;
      try {
        issued =
            TrustBundle.parse(
                trust.bundle().trustDomain(),
                renewed.bundlePem().getBytes(StandardCharsets.US_ASCII));
        SvidValidator.validate(renewed.credentials().svid().chain(), issued, env.clock().instant());
      } catch (SvidException ex) {
        throw new CliException("the server's bundle does not hold: " + ex.getMessage(), ex);
      }
      Files2.writeString(data.resolve(BUNDLE_FILE), issued.format());
      Files2.writeString(data.resolve(AgentRunner.POSTURE_FILE), renewed.posture() + "\n");
      writeSvid(data, renewed.credentials());
      X509Svid svid = renewed.credentials().svid();
      env.out().println("renewed " + renewed.id());
      env.out().println("posture " + renewed.posture());
      env.out()
          .println("svid serial " + svid.serial().toString(16) + " expires " + svid.notAfter());
      env.out()
          .println(
              "wrote " + data.resolve(SVID_FILE) + " (" + keyNote(renewed.credentials()) + ")");
      return WritCli.OK;
    }
  }

  /** DIR/svid.pem, validated now under the bundle; its key from the file or the TPM. */
  static SvidCredentials loadSvid(
      Path data, TrustBundle bundle, Optional<TpmDevice> device, java.time.Clock clock)
      throws CliException {
    Path file = data.resolve(SVID_FILE);
    SvidPem.DeviceKeys keys =
        leaf -> {
          if (device.isEmpty()) {
            return Optional.empty();
          }
          try {
            return device.get().keyFor(leaf);
          } catch (TpmToolException e) {
            throw new IOException("TPM: " + e.getMessage(), e);
          }
        };
    try {
      return SvidPem.load(file, bundle, clock.instant(), keys);
    } catch (IOException e) {
      throw new CliException("cannot read " + file + ": " + e.getMessage(), e);
    } catch (SvidException e) {
      throw new CliException(
          file
              + " is not a usable SVID ("
              + e.failure()
              + "): "
              + e.getMessage()
              + (e.failure() == SvidFailure.KEY_MALFORMED && device.isEmpty()
                  ? "; if its key is in a TPM, give --tpm and --ek-ca"
                  : ""),
          e);
    }
  }
}
