package dev.writ.identity.tpm;

import dev.writ.identity.AttestationException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * A node's TPM through tpm2-tools 5.x subprocesses, each given the TCTI explicitly ({@code
 * swtpm:host=127.0.0.1,port=2321}, {@code device:/dev/tpmrm0}) and a time limit, run in a working
 * directory this class owns. Keys live at persistent handles, so no saved object context has to
 * outlive the process that made it; transient objects a command leaves loaded are flushed. Uses
 * empty owner and endorsement authorization values. Thread-safe: calls are serialized per instance;
 * two instances must not share a working directory.
 */
public final class Tpm2Tools {
  /** Where TCG's TPM v2.0 Provisioning Guidance persists the RSA 2048 EK. */
  public static final int RSA_EK_HANDLE = 0x81010001;

  /** NV index of the RSA 2048 EK certificate (TCG EK Credential Profile, low range). */
  public static final int RSA_EK_CERT_NV_INDEX = 0x01c00002;

  /**
   * Writ's default persistent handle for its attestation key: TPM2_EvictControl with owner
   * authorization accepts 0x81000000 to 0x817FFFFF (Part 3); this one is outside the EK slots.
   */
  public static final int DEFAULT_AK_HANDLE = 0x81010100;

  /**
   * Writ's two persistent handles for node (SVID) keys: a renewal makes its new key at the handle
   * the current key is not at, so the current SVID keeps working until the new one is saved.
   */
  public static final List<Integer> NODE_KEY_HANDLES = List.of(0x81010200, 0x81010201);

  /**
   * The object attributes of a node key: unrestricted signing, generated in the TPM and bound to it
   * and to its parent, so the private part can never be exported (Part 2 §8.3).
   */
  private static final String NODE_KEY_ATTRIBUTES =
      "fixedtpm|fixedparent|sensitivedataorigin|userwithauth|sign";

  private static final TpmHash QUOTE_HASH = TpmHash.SHA256;

  private final String tcti;
  private final Path dir;
  private final ToolRunner runner;

  /**
   * @param tcti the TCTI configuration, for example {@code device:/dev/tpmrm0}
   * @param workDir an existing directory only this instance writes to
   * @param timeout the limit for each tool call
   */
  public Tpm2Tools(String tcti, Path workDir, Duration timeout) {
    if (tcti.isBlank() || tcti.startsWith("-") || tcti.chars().anyMatch(Character::isWhitespace)) {
      throw new IllegalArgumentException("a TCTI is one word such as device:/dev/tpmrm0");
    }
    if (!Files.isDirectory(workDir)) {
      throw new IllegalArgumentException("the working directory " + workDir + " does not exist");
    }
    this.tcti = tcti;
    this.dir = workDir;
    this.runner = new ToolRunner(workDir, Objects.requireNonNull(timeout, "timeout"));
  }

  /**
   * The RSA 2048 endorsement key's TPMT_PUBLIC, created from the default template and persisted at
   * {@link #RSA_EK_HANDLE} first if that handle is empty.
   */
  public synchronized byte[] endorsementKey() throws TpmToolException {
    if (!persistentHandles().contains(RSA_EK_HANDLE)) {
      tool("tpm2_createek", "-c", hex(RSA_EK_HANDLE), "-G", "rsa");
      flushTransient();
    }
    return readPublic(RSA_EK_HANDLE);
  }

  /** The endorsement key certificate from NV index {@link #RSA_EK_CERT_NV_INDEX}. */
  public synchronized X509Certificate endorsementCertificate() throws TpmToolException {
    byte[] nv =
        readFile(() -> tool("tpm2_nvread", hex(RSA_EK_CERT_NV_INDEX), "-o", "ek.crt"), "ek.crt");
    try {
      // the NV index may be larger than the certificate: parse only its DER length
      return (X509Certificate)
          CertificateFactory.getInstance("X.509")
              .generateCertificate(new ByteArrayInputStream(nv, 0, derLength(nv)));
    } catch (CertificateException | ClassCastException e) {
      throw new TpmToolException(
          "the certificate in NV index " + hex(RSA_EK_CERT_NV_INDEX) + " does not parse", e);
    }
  }

  /**
   * The attestation key at {@code handle}, created under the endorsement key and persisted first if
   * the handle is empty.
   *
   * @return its TPMT_PUBLIC
   * @throws TpmToolException also if the handle holds an object that is not an attestation key of
   *     {@code type}
   */
  public synchronized byte[] attestationKey(int handle, AttestationKeyType type)
      throws TpmToolException {
    if (!persistentHandles().contains(handle)) {
      return create(handle, type);
    }
    byte[] pub = readPublic(handle);
    try {
      TpmPublic key = TpmPublic.parse(pub);
      key.checkAttestationKey();
      if (key.isRsa() != type.keyAlgorithm().equals("rsa")) {
        throw new TpmToolException(
            "handle " + hex(handle) + " holds an attestation key of another type than " + type);
      }
    } catch (AttestationException e) {
      throw new TpmToolException(
          "handle " + hex(handle) + " holds an object that is not an attestation key", e);
    }
    return pub;
  }

  /** Replaces whatever is at {@code handle} with a new attestation key; returns its TPMT_PUBLIC. */
  public synchronized byte[] createAttestationKey(int handle, AttestationKeyType type)
      throws TpmToolException {
    if (persistentHandles().contains(handle)) {
      tool("tpm2_evictcontrol", "-C", "o", "-c", hex(handle));
    }
    return create(handle, type);
  }

  private byte[] create(int handle, AttestationKeyType type) throws TpmToolException {
    endorsementKey();
    try {
      tool(
          "tpm2_createak",
          "-C",
          hex(RSA_EK_HANDLE),
          "-c",
          "ak.ctx",
          "-G",
          type.keyAlgorithm(),
          "-g",
          QUOTE_HASH.bankName(),
          "-s",
          type.scheme());
      tool("tpm2_evictcontrol", "-C", "o", "-c", "ak.ctx", hex(handle));
    } catch (TpmToolException e) {
      throw flushedAfter(e);
    } finally {
      delete("ak.ctx");
    }
    flushTransient();
    return readPublic(handle);
  }

  /**
   * Replaces whatever is at {@code handle} with a new node key: an ECC P-256 ECDSA-SHA256 signing
   * key generated inside the TPM under the owner hierarchy's storage root key (the standard ECC SRK
   * template, recreated on demand and never persisted), then persisted at {@code handle}. Its
   * private part never leaves the TPM.
   *
   * @return the new key's TPMT_PUBLIC
   */
  public synchronized byte[] createNodeKey(int handle) throws TpmToolException {
    if (persistentHandles().contains(handle)) {
      tool("tpm2_evictcontrol", "-C", "o", "-c", hex(handle));
    }
    try {
      // without a resource manager each tool's objects stay loaded: flush between the steps
      tool(
          "tpm2_createprimary",
          "-C",
          "o",
          "-g",
          "sha256",
          "-G",
          "ecc256:aes128cfb",
          "-c",
          "srk.ctx");
      flushTransient();
      tool(
          "tpm2_create",
          "-C",
          "srk.ctx",
          "-G",
          "ecc256:ecdsa-sha256",
          "-a",
          NODE_KEY_ATTRIBUTES,
          "-c",
          "node.ctx");
      flushTransient();
      tool("tpm2_evictcontrol", "-C", "o", "-c", "node.ctx", hex(handle));
    } catch (TpmToolException e) {
      throw flushedAfter(e);
    } finally {
      delete("srk.ctx");
      delete("node.ctx");
    }
    flushTransient();
    return nodeKey(handle)
        .orElseThrow(() -> new TpmToolException("the node key at " + hex(handle) + " vanished"));
  }

  /**
   * The TPMT_PUBLIC of the node key persisted at {@code handle}, empty if the handle is empty.
   *
   * @throws TpmToolException also if the handle holds an object that is not a node key (see {@link
   *     #createNodeKey})
   */
  public synchronized Optional<byte[]> nodeKey(int handle) throws TpmToolException {
    if (!persistentHandles().contains(handle)) {
      return Optional.empty();
    }
    byte[] pub = readPublic(handle);
    try {
      if (!TpmPublic.parse(pub).isNodeKey()) {
        throw new TpmToolException(
            "handle " + hex(handle) + " holds an object that is not a P-256 node key");
      }
    } catch (AttestationException e) {
      throw new TpmToolException("handle " + hex(handle) + " holds an unusable object", e);
    }
    return Optional.of(pub);
  }

  /**
   * TPM2_Sign of a SHA-256 {@code digest} by the node key at {@code handle}.
   *
   * @return the TPMT_SIGNATURE (ECDSA, SHA-256)
   */
  synchronized byte[] signDigest(int handle, byte[] digest) throws TpmToolException {
    if (digest.length != TpmHash.SHA256.size()) {
      throw new IllegalArgumentException("a SHA-256 digest has 32 bytes, got " + digest.length);
    }
    write("sign.in", digest);
    try {
      return readFile(
          () ->
              tool(
                  "tpm2_sign",
                  "-c",
                  hex(handle),
                  "-g",
                  "sha256",
                  "-s",
                  "ecdsa",
                  "-d",
                  "-o",
                  "sign.out",
                  "sign.in"),
          "sign.out");
    } finally {
      delete("sign.in");
    }
  }

  /**
   * TPM2_ActivateCredential with the attestation key at {@code akHandle} and the endorsement key:
   * recovers the credential a server sealed with {@link MakeCredential}.
   *
   * @param credentialBlob {@link CredentialChallenge#credentialBlob()}
   * @return the credential, to send back as {@link TpmEvidence#activationSecret()}
   */
  public synchronized byte[] activateCredential(int akHandle, byte[] credentialBlob)
      throws TpmToolException {
    write("credential.in", credentialBlob);
    try {
      tool("tpm2_startauthsession", "--policy-session", "-S", "session.ctx");
      tool("tpm2_policysecret", "-S", "session.ctx", "-c", "e");
      return readFile(
          () ->
              tool(
                  "tpm2_activatecredential",
                  "-c",
                  hex(akHandle),
                  "-C",
                  hex(RSA_EK_HANDLE),
                  "-i",
                  "credential.in",
                  "-o",
                  "credential.out",
                  "-P",
                  "session:session.ctx"),
          "credential.out");
    } catch (TpmToolException e) {
      flushSession(e);
      throw e;
    } finally {
      delete("credential.in");
      delete("session.ctx");
    }
  }

  /**
   * TPM2_Quote by the attestation key at {@code akHandle}, with the key's own scheme and SHA-256,
   * over {@code qualifyingData} and the PCRs in {@code selection}.
   */
  public synchronized TpmQuote quote(
      int akHandle, byte[] qualifyingData, Collection<PcrId> selection) throws TpmToolException {
    String scheme;
    try {
      scheme = schemeName(TpmPublic.parse(readPublic(akHandle)));
    } catch (AttestationException e) {
      throw new TpmToolException("handle " + hex(akHandle) + " is not a usable signing key", e);
    }
    List<String> args = new ArrayList<>();
    args.addAll(List.of("-c", hex(akHandle), "-l", selectionArgument(selection)));
    if (qualifyingData.length > 0) {
      args.addAll(List.of("-q", HexFormat.of().formatHex(qualifyingData)));
    }
    // with -o, tpm2_quote also lists the PCR values it read (section "pcrs:")
    args.addAll(List.of("-m", "quote.msg", "-s", "quote.sig", "-o", "quote.pcrs"));
    args.addAll(List.of("-g", QUOTE_HASH.bankName()));
    args.addAll(List.of("--scheme", scheme));
    try {
      ToolRunner.Output out = tool("tpm2_quote", args.toArray(String[]::new));
      PcrValues pcrs = PcrListing.parse("tpm2_quote", out.stdout(), "pcrs:");
      return new TpmQuote(read("quote.msg"), read("quote.sig"), pcrs);
    } finally {
      delete("quote.msg");
      delete("quote.sig");
      delete("quote.pcrs");
    }
  }

  /** The current values of the PCRs in {@code selection}. */
  public synchronized PcrValues readPcrs(Collection<PcrId> selection) throws TpmToolException {
    ToolRunner.Output out = tool("tpm2_pcrread", selectionArgument(selection));
    return PcrListing.parse("tpm2_pcrread", out.stdout(), "");
  }

  /** TPM2_PCR_Extend of one bank of one PCR with {@code digest} (its bank's digest size). */
  public synchronized void extendPcr(PcrId pcr, byte[] digest) throws TpmToolException {
    if (digest.length != pcr.bank().size()) {
      throw new IllegalArgumentException("a " + pcr.bank().bankName() + " digest is needed");
    }
    tool(
        "tpm2_pcrextend",
        pcr.index() + ":" + pcr.bank().bankName() + "=" + HexFormat.of().formatHex(digest));
  }

  private static String schemeName(TpmPublic key) {
    return switch (key.schemeAlg()) {
      case TpmPublic.TPM_ALG_RSAPSS -> "rsapss";
      case TpmPublic.TPM_ALG_ECDSA -> "ecdsa";
      default -> key.isRsa() ? "rsassa" : "ecdsa";
    };
  }

  /** tpm2-tools' PCR list: {@code sha1:0,7+sha256:0,1,16}. */
  static String selectionArgument(Collection<PcrId> selection) {
    if (selection.isEmpty()) {
      throw new IllegalArgumentException("select at least one PCR");
    }
    Map<TpmHash, SortedSet<Integer>> banks = new TreeMap<>();
    for (PcrId pcr : selection) {
      banks.computeIfAbsent(pcr.bank(), b -> new TreeSet<>()).add(pcr.index());
    }
    return banks.entrySet().stream()
        .map(
            e ->
                e.getKey().bankName()
                    + ":"
                    + e.getValue().stream().map(String::valueOf).collect(Collectors.joining(",")))
        .collect(Collectors.joining("+"));
  }

  private List<Integer> persistentHandles() throws TpmToolException {
    ToolRunner.Output out = tool("tpm2_getcap", "handles-persistent");
    List<Integer> handles = new ArrayList<>();
    for (String line : out.stdout().lines().toList()) {
      String s = line.strip();
      if (s.startsWith("- 0x") && s.length() <= 12) {
        try {
          handles.add(Integer.parseUnsignedInt(s.substring(4), 16));
        } catch (NumberFormatException e) {
          throw new TpmToolException("tpm2_getcap listed an unusable handle: " + s, e);
        }
      }
    }
    return handles;
  }

  private byte[] readPublic(int handle) throws TpmToolException {
    return readFile(
        () -> tool("tpm2_readpublic", "-c", hex(handle), "-f", "tpmt", "-o", "public.tpmt"),
        "public.tpmt");
  }

  /** Flushes what the failed step left loaded, keeping a flush failure beside {@code e}. */
  private TpmToolException flushedAfter(TpmToolException e) {
    try {
      flushTransient();
    } catch (TpmToolException f) {
      e.addSuppressed(f);
    }
    return e;
  }

  private void flushTransient() throws TpmToolException {
    tool("tpm2_flushcontext", "-t");
  }

  private void flushSession(TpmToolException primary) {
    if (Files.exists(dir.resolve("session.ctx"))) {
      try {
        tool("tpm2_flushcontext", "session.ctx");
      } catch (TpmToolException e) {
        primary.addSuppressed(e);
      }
    }
  }

  private ToolRunner.Output tool(String name, String... args) throws TpmToolException {
    List<String> command = new ArrayList<>();
    command.add(name);
    command.add("--tcti=" + tcti);
    command.addAll(List.of(args));
    return runner.run(command);
  }

  private interface Call {
    void run() throws TpmToolException;
  }

  /** Runs {@code call}, then returns and deletes the file it wrote. */
  private byte[] readFile(Call call, String file) throws TpmToolException {
    try {
      call.run();
      return read(file);
    } finally {
      delete(file);
    }
  }

  private byte[] read(String file) throws TpmToolException {
    try {
      Path p = dir.resolve(file);
      if (Files.size(p) > ToolRunner.MAX_OUTPUT_BYTES) {
        throw new TpmToolException(file + " written by a TPM tool is too large");
      }
      return Files.readAllBytes(p);
    } catch (IOException e) {
      throw new TpmToolException("cannot read " + file + " a TPM tool wrote: " + e.getMessage(), e);
    }
  }

  private void write(String file, byte[] content) throws TpmToolException {
    try {
      Files.write(dir.resolve(file), content);
    } catch (IOException e) {
      throw new TpmToolException("cannot write " + file + ": " + e.getMessage(), e);
    }
  }

  /** Best effort: the files are in this instance's own directory and overwritten on reuse. */
  private void delete(String file) {
    try {
      Files.deleteIfExists(dir.resolve(file));
    } catch (IOException e) {
      System.getLogger(Tpm2Tools.class.getName())
          .log(System.Logger.Level.WARNING, "cannot delete " + dir.resolve(file), e);
    }
  }

  /** The length of the DER SEQUENCE at the start of {@code b}, or all of it if it is not one. */
  static int derLength(byte[] b) {
    if (b.length < 2 || b[0] != 0x30) {
      return b.length;
    }
    int first = b[1] & 0xff;
    if (first < 0x80) {
      return Math.min(b.length, 2 + first);
    }
    int n = first & 0x7f;
    if (n == 0 || n > 3 || b.length < 2 + n) {
      return b.length;
    }
    int len = 0;
    for (int i = 0; i < n; i++) {
      len = (len << 8) | (b[2 + i] & 0xff);
    }
    return Math.min(b.length, 2 + n + len);
  }

  private static String hex(int handle) {
    return String.format("0x%08x", handle);
  }
}
