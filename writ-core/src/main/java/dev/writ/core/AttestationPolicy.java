package dev.writ.core;

import dev.writ.core.json.JsonException;
import dev.writ.core.json.JsonLimits;
import dev.writ.core.json.JsonReader;
import dev.writ.core.json.JsonValue;
import dev.writ.core.json.JsonValue.JsonArray;
import dev.writ.core.json.JsonValue.JsonInteger;
import dev.writ.core.json.JsonValue.JsonObject;
import dev.writ.core.json.JsonValue.JsonString;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which hardware evidence the fleet trusts: the trust root's {@code policy.attestation} member
 * (docs/spec/writ.md section 8.4). The server may count a node's TPM 2.0 quote, AMD SEV-SNP report
 * or Intel TDX quote only as this says; a root without it lists no authority, so every node enrolls
 * {@code degraded}.
 *
 * <p>Parsed and validated once: fingerprints (lowercase hex SHA-256 of a certificate's DER),
 * measurements and MRTDs are lowercase hex of the lengths the spec gives, every list is free of
 * duplicates and holds at most {@link Limits#MAX_ROOT_KEYS} entries (the root's member limit), and
 * no fingerprint is both a hardware and a software TPM authority. Lists keep the order they were
 * written in, so a parsed root writes back the same bytes. Empty {@link #sevSnpMeasurements()} and
 * {@link #tdxMrtds()} allow any measurement; empty authority lists trust no evidence of that kind.
 * Nothing here allows a debug-mode guest: that is never accepted.
 *
 * <p>Immutable and thread-safe.
 *
 * @param tpmAuthorities certificates that may anchor a hardware TPM's EK certificate chain
 * @param tpmSoftwareAuthorities certificates that may anchor a software TPM (swtpm's local CA);
 *     evidence anchored here yields {@code attested-software}, never {@code attested}
 * @param tpmPcrs PCR values a TPM quote must report, at most one per bank and index
 * @param sevSnpAuthorities AMD ARK certificates accepted
 * @param sevSnpMinTcb the lowest reported TCB accepted, component by component
 * @param sevSnpMeasurements launch measurements allowed (48 bytes each); empty allows any
 * @param tdxAuthorities Intel SGX root CA certificates accepted
 * @param tdxMrtds MRTD values allowed (48 bytes each); empty allows any
 */
public record AttestationPolicy(
    List<String> tpmAuthorities,
    List<String> tpmSoftwareAuthorities,
    List<PcrRequirement> tpmPcrs,
    List<String> sevSnpAuthorities,
    SevSnpTcb sevSnpMinTcb,
    List<String> sevSnpMeasurements,
    List<String> tdxAuthorities,
    List<String> tdxMrtds) {

  static final Set<String> FIELDS =
      Set.of(
          "tpm_authorities",
          "tpm_software_authorities",
          "tpm_pcrs",
          "sev_snp_authorities",
          "sev_snp_min_tcb",
          "sev_snp_measurements",
          "tdx_authorities",
          "tdx_mrtds");

  private static final Pattern FINGERPRINT = Pattern.compile("[0-9a-f]{64}");
  private static final Pattern MEASUREMENT = Pattern.compile("[0-9a-f]{96}");

  /**
   * An attestation member read on its own ({@link #read}): the object and its arrays, the root
   * payload's string and member limits (section 4.3).
   */
  private static final JsonReader DRAFT_READER =
      new JsonReader(
          new JsonLimits(Limits.MAX_ROOT_BYTES, 2, 4096, Limits.MAX_ROOT_KEYS),
          JsonReader.Mode.INTEGERS_ONLY);

  /**
   * Validates and copies.
   *
   * @throws IllegalArgumentException for the first rule of section 8.4.1 the lists break
   */
  public AttestationPolicy {
    tpmAuthorities = distinct("tpm_authorities", tpmAuthorities, FINGERPRINT, "a fingerprint");
    tpmSoftwareAuthorities =
        distinct("tpm_software_authorities", tpmSoftwareAuthorities, FINGERPRINT, "a fingerprint");
    tpmPcrs = List.copyOf(tpmPcrs);
    bounded("tpm_pcrs", tpmPcrs.size());
    Set<String> banksAndIndexes = new HashSet<>();
    for (PcrRequirement p : tpmPcrs) {
      if (!banksAndIndexes.add(p.bank().wire() + ":" + p.index())) {
        throw new IllegalArgumentException(
            "tpm_pcrs lists " + p.bank().wire() + ":" + p.index() + " twice");
      }
    }
    sevSnpAuthorities =
        distinct("sev_snp_authorities", sevSnpAuthorities, FINGERPRINT, "a fingerprint");
    Objects.requireNonNull(sevSnpMinTcb, "sev_snp_min_tcb");
    sevSnpMeasurements =
        distinct("sev_snp_measurements", sevSnpMeasurements, MEASUREMENT, "96 hex digits");
    tdxAuthorities = distinct("tdx_authorities", tdxAuthorities, FINGERPRINT, "a fingerprint");
    tdxMrtds = distinct("tdx_mrtds", tdxMrtds, MEASUREMENT, "96 hex digits");
    for (String fp : tpmAuthorities) {
      if (tpmSoftwareAuthorities.contains(fp)) {
        throw new IllegalArgumentException(
            "fingerprint " + fp + " is in both tpm_authorities and tpm_software_authorities");
      }
    }
  }

  private static List<String> distinct(
      String member, List<String> values, Pattern form, String what) {
    List<String> copy = List.copyOf(values);
    bounded(member, copy.size());
    Set<String> seen = new HashSet<>();
    for (String v : copy) {
      if (!form.matcher(v).matches()) {
        throw new IllegalArgumentException(member + " entry is not " + what + " in lowercase hex");
      }
      if (!seen.add(v)) {
        throw new IllegalArgumentException(member + " lists " + v + " twice");
      }
    }
    return copy;
  }

  private static void bounded(String member, int size) {
    if (size > Limits.MAX_ROOT_KEYS) {
      throw new IllegalArgumentException(
          member + " has more than " + Limits.MAX_ROOT_KEYS + " entries");
    }
  }

  /**
   * Reads an attestation member written by a person ({@code writ root init --attestation-file}):
   * one JSON object under the strict reading of section 4.1, in any member order and spacing, with
   * exactly the rules it has inside a root.
   *
   * @throws WritDeniedException {@code OVERSIZE}, {@code MALFORMED} or {@code UNKNOWN_FIELD}, as a
   *     root holding it would be denied
   */
  public static AttestationPolicy read(byte[] json) throws WritDeniedException {
    JsonValue value;
    try {
      value = DRAFT_READER.read(json);
    } catch (JsonException e) {
      throw Verifier.translate("attestation", e);
    }
    return fromJson(Fields.of("attestation", value));
  }

  /**
   * Reads {@code policy.attestation}: an unknown member first ({@code UNKNOWN_FIELD}), then every
   * other rule ({@code MALFORMED}).
   */
  static AttestationPolicy fromJson(Fields f) throws WritDeniedException {
    f.onlyKnown(FIELDS);
    List<String> tpm = strings(f, "tpm_authorities");
    List<String> tpmSoftware = strings(f, "tpm_software_authorities");
    List<PcrRequirement> pcrs = new ArrayList<>();
    for (String s : strings(f, "tpm_pcrs")) {
      pcrs.add(PcrRequirement.parse(s));
    }
    List<String> snp = strings(f, "sev_snp_authorities");
    List<JsonValue> tcbJson = f.array("sev_snp_min_tcb");
    if (tcbJson.size() != 4) {
      throw malformed("sev_snp_min_tcb must hold exactly 4 integers");
    }
    int[] tcb = new int[4];
    for (int i = 0; i < 4; i++) {
      if (!(tcbJson.get(i) instanceof JsonInteger n) || n.value() < 0 || n.value() > 255) {
        throw malformed("sev_snp_min_tcb must hold integers 0 to 255");
      }
      tcb[i] = (int) n.value();
    }
    List<String> measurements = strings(f, "sev_snp_measurements");
    List<String> tdx = strings(f, "tdx_authorities");
    List<String> mrtds = strings(f, "tdx_mrtds");
    try {
      return new AttestationPolicy(
          tpm,
          tpmSoftware,
          pcrs,
          snp,
          new SevSnpTcb(tcb[0], tcb[1], tcb[2], tcb[3]),
          measurements,
          tdx,
          mrtds);
    } catch (IllegalArgumentException e) {
      throw new WritDeniedException(Reason.MALFORMED, "policy.attestation: " + e.getMessage(), e);
    }
  }

  private static List<String> strings(Fields f, String name) throws WritDeniedException {
    List<String> out = new ArrayList<>();
    for (JsonValue v : f.array(name)) {
      out.add(Fields.stringElement("policy.attestation." + name, v));
    }
    return out;
  }

  /** The member's canonical JSON value: lists in their order, the TCB as four integers. */
  JsonValue toJson() {
    Map<String, JsonValue> m = new LinkedHashMap<>();
    m.put("tpm_authorities", stringArray(tpmAuthorities));
    m.put("tpm_software_authorities", stringArray(tpmSoftwareAuthorities));
    m.put("tpm_pcrs", stringArray(tpmPcrs.stream().map(PcrRequirement::wire).toList()));
    m.put("sev_snp_authorities", stringArray(sevSnpAuthorities));
    m.put(
        "sev_snp_min_tcb",
        new JsonArray(
            List.of(
                new JsonInteger(sevSnpMinTcb.bootloader()),
                new JsonInteger(sevSnpMinTcb.tee()),
                new JsonInteger(sevSnpMinTcb.snp()),
                new JsonInteger(sevSnpMinTcb.microcode()))));
    m.put("sev_snp_measurements", stringArray(sevSnpMeasurements));
    m.put("tdx_authorities", stringArray(tdxAuthorities));
    m.put("tdx_mrtds", stringArray(tdxMrtds));
    return new JsonObject(m);
  }

  private static JsonArray stringArray(List<String> values) {
    List<JsonValue> out = new ArrayList<>();
    values.forEach(v -> out.add(new JsonString(v)));
    return new JsonArray(out);
  }

  private static WritDeniedException malformed(String detail) {
    return new WritDeniedException(Reason.MALFORMED, "policy.attestation." + detail);
  }

  /** A TPM PCR bank: the hash algorithm and so the length of its values. Closed set. */
  public enum PcrBank {
    SHA1("sha1", 20),
    SHA256("sha256", 32),
    SHA384("sha384", 48),
    SHA512("sha512", 64);

    private final String wire;
    private final int digestLength;

    PcrBank(String wire, int digestLength) {
      this.wire = wire;
      this.digestLength = digestLength;
    }

    /** The bank's name in {@code tpm_pcrs} entries. */
    public String wire() {
      return wire;
    }

    /** Bytes in one PCR value of this bank. */
    public int digestLength() {
      return digestLength;
    }

    /** The bank with this wire name, if any. */
    public static Optional<PcrBank> fromWire(String s) {
      for (PcrBank b : values()) {
        if (b.wire.equals(s)) {
          return Optional.of(b);
        }
      }
      return Optional.empty();
    }
  }

  /**
   * The value one PCR must hold in a TPM quote, written {@code <bank>:<index>:<hex>}. Immutable:
   * {@link #value()} hands out a copy.
   *
   * @param bank the PCR bank
   * @param index 0 to {@link #MAX_INDEX}
   * @param value exactly {@link PcrBank#digestLength()} bytes
   */
  @SuppressWarnings("ArrayRecordComponent") // copied in and out; equals and hashCode by content
  public record PcrRequirement(PcrBank bank, int index, byte[] value) {
    /** Highest PCR index: a TPM 2.0 PC Client platform has PCRs 0 to 23. */
    public static final int MAX_INDEX = 23;

    private static final Pattern WIRE =
        Pattern.compile("(sha1|sha256|sha384|sha512):(0|[1-9][0-9]?):([0-9a-f]+)");

    /**
     * Validates and copies.
     *
     * @throws IllegalArgumentException if the index or the value's length is out of range
     */
    public PcrRequirement {
      Objects.requireNonNull(bank, "bank");
      if (index < 0 || index > MAX_INDEX) {
        throw new IllegalArgumentException("a PCR index is 0 to " + MAX_INDEX);
      }
      value = value.clone();
      if (value.length != bank.digestLength()) {
        throw new IllegalArgumentException(
            "a " + bank.wire() + " PCR value is " + bank.digestLength() + " bytes");
      }
    }

    /**
     * Parses {@code <bank>:<index>:<hex>}: a bank name, a decimal index 0 to 23 without leading
     * zeros, and the value in lowercase hex of exactly the bank's digest length.
     *
     * @throws WritDeniedException {@code MALFORMED} for any other string
     */
    public static PcrRequirement parse(String wire) throws WritDeniedException {
      Matcher m = WIRE.matcher(wire);
      if (!m.matches()) {
        throw malformed("tpm_pcrs entry is not <bank>:<index>:<lowercase hex>");
      }
      PcrBank bank = PcrBank.fromWire(m.group(1)).orElseThrow();
      int index = Integer.parseInt(m.group(2));
      String hex = m.group(3);
      if (index > MAX_INDEX) {
        throw malformed("tpm_pcrs index " + index + " is above " + MAX_INDEX);
      }
      if (hex.length() != 2 * bank.digestLength()) {
        throw malformed(
            "tpm_pcrs "
                + bank.wire()
                + ":"
                + index
                + " value must be "
                + 2 * bank.digestLength()
                + " hex digits");
      }
      return new PcrRequirement(bank, index, HexFormat.of().parseHex(hex));
    }

    /** A copy of the required value. */
    @Override
    public byte[] value() {
      return value.clone();
    }

    /** {@code <bank>:<index>:<hex>}, as written in the root. */
    public String wire() {
      return bank.wire() + ":" + index + ":" + HexFormat.of().formatHex(value);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof PcrRequirement p
          && bank == p.bank
          && index == p.index
          && Arrays.equals(value, p.value);
    }

    @Override
    public int hashCode() {
      return 31 * (31 * bank.hashCode() + index) + Arrays.hashCode(value);
    }

    @Override
    public String toString() {
      return wire();
    }
  }

  /**
   * An SEV-SNP TCB version by component, each 0 to 255, in the order of {@code sev_snp_min_tcb}.
   * Immutable.
   */
  public record SevSnpTcb(int bootloader, int tee, int snp, int microcode) {
    /**
     * Validates.
     *
     * @throws IllegalArgumentException if a component is outside 0 to 255
     */
    public SevSnpTcb {
      for (int c : new int[] {bootloader, tee, snp, microcode}) {
        if (c < 0 || c > 255) {
          throw new IllegalArgumentException("a TCB component is 0 to 255");
        }
      }
    }

    /** Whether every component of this (reported) TCB is at least that of {@code minimum}. */
    public boolean meets(SevSnpTcb minimum) {
      return bootloader >= minimum.bootloader
          && tee >= minimum.tee
          && snp >= minimum.snp
          && microcode >= minimum.microcode;
    }
  }
}
