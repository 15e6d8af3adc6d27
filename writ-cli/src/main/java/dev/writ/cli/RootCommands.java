package dev.writ.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.writ.core.AttestationPolicy;
import dev.writ.core.Capability;
import dev.writ.core.Envelope;
import dev.writ.core.KeyId;
import dev.writ.core.Policy;
import dev.writ.core.PublicKeyVerifier;
import dev.writ.core.Role;
import dev.writ.core.RootContents;
import dev.writ.core.Tier;
import dev.writ.core.TrustRoot;
import dev.writ.core.WritDeniedException;
import dev.writ.sign.OperatorSigner;
import dev.writ.sign.SigningException;
import dev.writ.sign.WritSigner;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "root",
    mixinStandardHelpOptions = true,
    description = {
      "Trust roots: the signed list of operator keys, roles, thresholds and fleet policy.",
      "Draft with 'init' or 'rotate', sign with 'sign', check a chain with 'verify'.",
      "Attestation: the hardware evidence (TPM 2.0, SEV-SNP, TDX) the server may trust is set",
      "with 'init --attestation-file FILE' or 'rotate --attestation-file FILE' (writ.md 8.4.1).",
      "A root without it trusts no evidence: every node enrolls degraded."
    },
    subcommands = {
      RootCommands.Init.class,
      RootCommands.Sign.class,
      RootCommands.Rotate.class,
      RootCommands.Verify.class
    })
final class RootCommands implements Runnable {
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  static Instant date(String s) throws CliException {
    try {
      if (s.matches("[0-9]{4}-[0-9]{2}-[0-9]{2}")) {
        return LocalDate.parse(s).atStartOfDay().toInstant(ZoneOffset.UTC);
      }
      return Instant.ofEpochSecond(Long.parseLong(s));
    } catch (RuntimeException e) {
      throw new CliException("expected YYYY-MM-DD or Unix seconds, not \"" + s + "\"", e);
    }
  }

  static Role role(String s) throws CliException {
    return Role.fromWire(s)
        .orElseThrow(
            () ->
                new CliException(
                    "unknown role \"" + s + "\"; roles: root initiator approver pauser auditor"));
  }

  /** Splits ROLE=VALUE. */
  static String[] pair(String s, String option) throws CliException {
    int eq = s.indexOf('=');
    if (eq <= 0 || eq == s.length() - 1) {
      throw new CliException(option + " wants NAME=VALUE, not \"" + s + "\"");
    }
    return new String[] {s.substring(0, eq), s.substring(eq + 1)};
  }

  static RootContents readContents(Path file) throws CliException {
    byte[] bytes = Files2.read(file);
    try {
      return RootContents.parse(Envelope.parse(bytes).payload());
    } catch (WritDeniedException notEnvelope) {
      try {
        return RootContents.parse(bytes);
      } catch (WritDeniedException e) {
        throw new CliException(file + " is not a root or root payload: " + e.getMessage(), e);
      }
    }
  }

  /** Applies {@code --threshold ROLE=N} options; N must be a positive integer. */
  static void applyThresholds(RootDraft draft, List<String> thresholds) throws CliException {
    for (String t : thresholds) {
      String[] p = pair(t, "--threshold");
      int n;
      try {
        n = Integer.parseInt(p[1]);
      } catch (NumberFormatException e) {
        throw new CliException("--threshold wants ROLE=N with N a positive integer", e);
      }
      if (n < 1) {
        throw new CliException("--threshold wants ROLE=N with N a positive integer");
      }
      draft.threshold(role(p[0]), n);
    }
  }

  /**
   * Reads an {@code --attestation-file}: one JSON object with the eight members of writ.md section
   * 8.4.1, checked by the same rules as inside a root.
   */
  static AttestationPolicy attestationFromJson(Path file) throws CliException {
    try {
      return AttestationPolicy.read(Files2.read(file));
    } catch (WritDeniedException e) {
      throw new CliException(
          file + " is not an attestation policy: " + e.reason() + ": " + e.detail(), e);
    }
  }

  static Policy policyFromYaml(Path file) throws CliException {
    JsonNode n;
    try {
      n = new ObjectMapper(new YAMLFactory()).readTree(Files2.read(file));
    } catch (IOException e) {
      throw new CliException("policy is not valid YAML: " + e.getMessage(), e);
    }
    Policy d = RootDraft.defaultPolicy();
    if (n == null || !n.isObject()) {
      throw new CliException("policy must be a YAML mapping");
    }
    for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (f.equals("attestation")) {
        throw new CliException("policy: give attestation with --attestation-file FILE (JSON)");
      }
      if (!Set.of(
              "sandbox_floor",
              "max_ttl",
              "dual_control",
              "clock_skew",
              "ticket_required",
              "hybrid_required")
          .contains(f)) {
        throw new CliException("policy has unknown field \"" + f + "\"");
      }
    }
    Tier floor = d.sandboxFloor();
    if (n.has("sandbox_floor")) {
      String t = n.get("sandbox_floor").asText();
      floor = Tier.fromWire(t).orElseThrow(() -> new CliException("unknown tier \"" + t + "\""));
    }
    Map<Capability, Duration> ttl = new EnumMap<>(d.maxTtl());
    if (n.has("max_ttl")) {
      for (Map.Entry<String, JsonNode> e : n.get("max_ttl").properties()) {
        ttl.put(cap(e.getKey()), RequestCommand.ttl(e.getValue().asText()));
      }
    }
    long skew = n.has("clock_skew") ? n.get("clock_skew").asLong() : d.clockSkew().toSeconds();
    try {
      return new Policy(
          floor,
          ttl,
          n.has("dual_control") ? caps(n.get("dual_control")) : d.dualControl(),
          Duration.ofSeconds(skew),
          n.has("ticket_required") ? caps(n.get("ticket_required")) : d.ticketRequired(),
          n.has("hybrid_required") ? n.get("hybrid_required").asBoolean() : d.hybridRequired());
    } catch (IllegalArgumentException e) {
      throw new CliException("policy: " + e.getMessage(), e);
    }
  }

  private static Capability cap(String s) throws CliException {
    return Capability.fromWire(s)
        .orElseThrow(() -> new CliException("unknown capability \"" + s + "\""));
  }

  private static Set<Capability> caps(JsonNode list) throws CliException {
    Set<Capability> out = EnumSet.noneOf(Capability.class);
    for (JsonNode c : list) {
      out.add(cap(c.asText()));
    }
    return out;
  }

  @Command(
      name = "init",
      mixinStandardHelpOptions = true,
      description = {
        "Draft a new root (version 1) as an unsigned payload; then sign it with 'writ root sign'.",
        "Example: writ root init --trust-domain fleet.example --expires 2036-01-01 \\",
        "  --key root=r.key --key initiator=alice.key --key approver=bob.key --key pauser=alice.key \\",
        "  --key auditor=carol.pub --out root.payload.json"
      })
  static final class Init implements Callable<Integer> {
    private final WritCli.Env env;

    @Option(
        names = "--trust-domain",
        required = true,
        paramLabel = "TD",
        description = "SPIFFE trust domain of the fleet.")
    String trustDomain;

    @Option(
        names = "--expires",
        required = true,
        paramLabel = "DATE",
        description = "Expiry, YYYY-MM-DD (UTC) or Unix seconds.")
    String expires;

    @Option(
        names = "--key",
        required = true,
        paramLabel = "ROLE=FILE",
        description = "Give the key in FILE (key file or public PEM) a role; repeatable.")
    List<String> keys;

    @Option(
        names = "--hybrid",
        paramLabel = "PQFILE=FILE",
        description = "List the ML-DSA-65 key in PQFILE as the hybrid partner of the key in FILE.")
    List<String> hybrids = new ArrayList<>();

    @Option(
        names = "--threshold",
        paramLabel = "ROLE=N",
        description = "Signatures a role needs (default 1).")
    List<String> thresholds = new ArrayList<>();

    @Option(
        names = "--policy",
        paramLabel = "FILE",
        description =
            "Policy YAML (fields as in the spec; omitted fields take the documented defaults).")
    Path policy;

    @Option(
        names = "--attestation-file",
        paramLabel = "FILE",
        description = {
          "Attestation policy: a JSON object with exactly the members tpm_authorities,",
          "tpm_software_authorities, tpm_pcrs, sev_snp_authorities, sev_snp_min_tcb,",
          "sev_snp_measurements, tdx_authorities, tdx_mrtds (writ.md 8.4.1). Without it the",
          "root lists no attestation authority and every node enrolls degraded."
        })
    Path attestationFile;

    @Option(
        names = {"-o", "--out"},
        required = true,
        paramLabel = "FILE",
        description = "Where to write the unsigned root payload.")
    Path out;

    Init(WritCli.Env env) {
      this.env = env;
    }

    @Override
    public Integer call() throws CliException {
      RootDraft draft = new RootDraft();
      for (String k : keys) {
        String[] p = pair(k, "--key");
        draft.role(role(p[0]), PublicKeyFiles.read(Path.of(p[1])), Optional.empty());
      }
      for (String h : hybrids) {
        String[] p = pair(h, "--hybrid");
        draft.hybrid(
            PublicKeyFiles.read(Path.of(p[0])),
            PublicKeyFiles.read(Path.of(p[1])),
            Optional.empty());
      }
      applyThresholds(draft, thresholds);
      Policy pol = policy == null ? RootDraft.defaultPolicy() : policyFromYaml(policy);
      if (attestationFile != null) {
        pol = pol.withAttestation(Optional.of(attestationFromJson(attestationFile)));
      }
      try {
        RootContents rc = draft.build(1, date(expires), trustDomain, pol);
        Files2.write(out, rc.toCanonicalBytes());
        env.err()
            .println(
                "wrote "
                    + out
                    + " (root version 1, "
                    + rc.keys().size()
                    + " keys"
                    + (rc.policy().attestation().isPresent()
                        ? ", with an attestation policy"
                        : ", no attestation policy: every node enrolls degraded")
                    + "); sign it with 'writ root sign'");
        return WritCli.OK;
      } catch (WritDeniedException e) {
        throw new CliException("root: " + e.detail(), e);
      }
    }
  }

  @Command(
      name = "sign",
      mixinStandardHelpOptions = true,
      description = {
        "Sign a root payload into a root envelope, or add signatures to a root envelope.",
        "A new root needs a threshold of its own root keys; a rotation also needs a threshold",
        "of the previous root's root keys."
      })
  static final class Sign implements Callable<Integer> {
    private final WritCli.Env env;

    @Parameters(index = "0", paramLabel = "ROOT", description = "Root payload or root envelope.")
    Path in;

    @Option(
        names = {"-k", "--key"},
        required = true,
        paramLabel = "KEY",
        description = "Root key (repeatable).")
    List<String> keys;

    @Option(
        names = {"-o", "--out"},
        required = true,
        paramLabel = "FILE",
        description = "Where to write root.json.")
    Path out;

    @Mixin KeyOptions secrets;

    Sign(WritCli.Env env) {
      this.env = env;
    }

    @Override
    public Integer call() throws CliException {
      byte[] bytes = Files2.read(in);
      boolean isEnvelope;
      try {
        isEnvelope = Envelope.parse(bytes).payloadType().equals(Envelope.ROOT_PAYLOAD_TYPE);
      } catch (WritDeniedException e) {
        isEnvelope = false;
      }
      List<OperatorSigner> signers = secrets.openAll(keys, env);
      try {
        if (!isEnvelope) {
          bytes = WritSigner.signRoot(bytes, signers);
        } else {
          for (OperatorSigner s : signers) {
            bytes = WritSigner.addSignature(bytes, s);
          }
        }
        Files2.write(out, bytes);
        env.err()
            .println(
                "wrote "
                    + out
                    + " with "
                    + Envelope.parse(bytes).signatures().size()
                    + " signature(s)");
        return WritCli.OK;
      } catch (SigningException | WritDeniedException e) {
        throw new CliException(e.getMessage(), e);
      } finally {
        signers.forEach(OperatorSigner::close);
      }
    }
  }

  @Command(
      name = "rotate",
      mixinStandardHelpOptions = true,
      description = {
        "Draft the successor of a root: same contents, version + 1, with the changes given.",
        "Sign the draft with a threshold of the OLD root keys and of the NEW root keys."
      })
  static final class Rotate implements Callable<Integer> {
    private final WritCli.Env env;

    @Option(
        names = "--from",
        required = true,
        paramLabel = "ROOT",
        description = "The current root.json.")
    Path from;

    @Option(
        names = "--add-key",
        paramLabel = "ROLE=FILE",
        description = "Give a key a role (repeatable).")
    List<String> add = new ArrayList<>();

    @Option(
        names = "--remove-key",
        paramLabel = "KEYID|FILE",
        description = "Drop a key from the root and all roles.")
    List<String> remove = new ArrayList<>();

    @Option(
        names = "--threshold",
        paramLabel = "ROLE=N",
        description = "Change a role's threshold.")
    List<String> thresholds = new ArrayList<>();

    @Option(
        names = "--expires",
        paramLabel = "DATE",
        description = "New expiry (default: unchanged).")
    String expires;

    @Option(
        names = "--attestation-file",
        paramLabel = "FILE",
        description = {
          "Replace the attestation policy with the JSON object in FILE (as for 'init';",
          "default: unchanged). One whose four authority lists are empty trusts no evidence."
        })
    Path attestationFile;

    @Option(
        names = {"-o", "--out"},
        required = true,
        paramLabel = "FILE",
        description = "Where to write the unsigned successor.")
    Path out;

    Rotate(WritCli.Env env) {
      this.env = env;
    }

    @Override
    public Integer call() throws CliException {
      RootContents old = readContents(from);
      Set<KeyId> drop = new java.util.HashSet<>();
      for (String r : remove) {
        drop.add(
            r.matches("[0-9a-f]{64}") ? new KeyId(r) : PublicKeyFiles.read(Path.of(r)).keyId());
      }
      RootDraft draft = new RootDraft();
      for (Map.Entry<KeyId, RootContents.TrustedKey> e : old.keys().entrySet()) {
        if (drop.contains(e.getKey())
            || e.getValue().hybridOf().map(drop::contains).orElse(false)) {
          continue;
        }
        RootContents.TrustedKey k = e.getValue();
        if (k.hybridOf().isPresent()) {
          draft.hybrid(k.verifier(), old.keys().get(k.hybridOf().get()).verifier(), k.label());
        } else {
          draft.key(k.verifier(), k.label());
          for (Role r : old.rolesOf(e.getKey())) {
            draft.role(r, k.verifier(), k.label());
          }
        }
      }
      for (Role r : Role.values()) {
        draft.threshold(r, old.role(r).threshold());
      }
      for (String a : add) {
        String[] p = pair(a, "--add-key");
        PublicKeyVerifier k = PublicKeyFiles.read(Path.of(p[1]));
        draft.role(role(p[0]), k, Optional.empty());
      }
      applyThresholds(draft, thresholds);
      Policy pol = old.policy();
      if (attestationFile != null) {
        pol = pol.withAttestation(Optional.of(attestationFromJson(attestationFile)));
      }
      try {
        RootContents next =
            draft.build(
                old.version() + 1,
                expires == null ? old.expires() : date(expires),
                old.trustDomain(),
                pol);
        Files2.write(out, next.toCanonicalBytes());
        env.err()
            .println(
                "wrote "
                    + out
                    + " (root version "
                    + next.version()
                    + "); sign with old and new root keys");
        return WritCli.OK;
      } catch (WritDeniedException e) {
        throw new CliException("root: " + e.detail(), e);
      }
    }
  }

  @Command(
      name = "verify",
      mixinStandardHelpOptions = true,
      description =
          "Check that ROOT is validly self-signed and that each --next root chains from it.")
  static final class Verify implements Callable<Integer> {
    private final WritCli.Env env;

    @Parameters(index = "0", paramLabel = "ROOT", description = "The pinned root.json.")
    Path pinned;

    @Option(names = "--next", paramLabel = "ROOT", description = "Successor roots, oldest first.")
    List<Path> next = new ArrayList<>();

    Verify(WritCli.Env env) {
      this.env = env;
    }

    @Override
    public Integer call() throws CliException {
      try {
        TrustRoot root = TrustRoot.pin(Files2.read(pinned));
        env.out().println("ok: " + pinned + " is root version " + root.contents().version());
        for (Path p : next) {
          root = root.rotate(Files2.read(p), env.clock().instant());
          env.out().println("ok: " + p + " chains to root version " + root.contents().version());
        }
        return WritCli.OK;
      } catch (WritDeniedException e) {
        env.out().println("refused: " + e.reason() + ": " + e.detail());
        return WritCli.DENIED;
      }
    }
  }
}
