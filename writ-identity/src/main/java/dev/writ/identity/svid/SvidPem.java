package dev.writ.identity.svid;

import dev.writ.core.SpiffeId;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The agent's SVID file: the certificate chain as PEM CERTIFICATE blocks (leaf first) and the
 * PKCS#8 private key as a PEM PRIVATE KEY block, in one file of mode 0600, replaced atomically on
 * renewal so that key and chain always change together. {@link #parse} also reads certificates and
 * key from two separate PEM texts, in either order within a text, as the SPIFFE libraries do.
 *
 * <p>Stateless and thread-safe.
 */
public final class SvidPem {
  /** A chain of {@link SvidValidator#MAX_CHAIN_LENGTH} RSA-4096 certificates and its key fit. */
  public static final int MAX_PEM_BYTES = 64 * 1024;

  /**
   * What an SVID file holds, checked against the X509-SVID profile and the key matching the leaf,
   * but not validated against any bundle or time: pass {@link #chain()} to {@link
   * SvidValidator#validate} before use. Immutable; the key is secret and not shown by {@link
   * #toString()}.
   *
   * @param id the leaf's SPIFFE ID
   * @param chain the certificates, leaf first, unmodifiable
   * @param privateKey the leaf's private key
   */
  public record Parsed(SpiffeId id, List<X509Certificate> chain, PrivateKey privateKey) {
    public Parsed {
      chain = List.copyOf(chain);
    }

    @Override
    public String toString() {
      return "SvidPem.Parsed[" + id + ", " + chain.size() + " certificates]";
    }
  }

  private SvidPem() {}

  /**
   * Parses certificates from {@code certsPem} and the private key from {@code keyPem} (they may be
   * the same text). Checks, in order: sizes and PEM, at least one certificate ({@code
   * SVID_MALFORMED}); exactly one parseable private key ({@code KEY_MALFORMED}); the X509-SVID
   * profile ({@code SVID_BAD_ID}, {@code SVID_LEAF_PROFILE}, {@code SVID_SIGNER_PROFILE}); the key
   * belongs to the leaf ({@code KEY_MISMATCH}). No time check: certificates may be expired.
   */
  public static Parsed parse(byte[] certsPem, byte[] keyPem) throws SvidException {
    List<X509Certificate> chain = certificates(certsPem);
    PrivateKey key = privateKey(keyPem);
    SpiffeId id = SvidProfile.check(chain);
    PrivateKeys.checkPair(key, chain.getFirst().getPublicKey());
    return new Parsed(id, chain, key);
  }

  /** A certificate chain as PEM CERTIFICATE blocks, in order (not secret). */
  public static String chainPem(List<X509Certificate> chain) {
    return Certificates.toPem(chain);
  }

  /**
   * The file form: the chain's CERTIFICATE blocks, then the PRIVATE KEY block. Secret. A key held
   * by a device (a TPM) has no PEM form and stays in its device: the file then holds the
   * certificates only, and {@link #load(Path, TrustBundle, Instant, DeviceKeys)} finds the key
   * again.
   */
  public static String format(SvidCredentials credentials) {
    String chain = Certificates.toPem(credentials.svid().chain());
    PrivateKey key = credentials.privateKey();
    return key.getFormat() == null ? chain : chain + PrivateKeys.toPem(key);
  }

  /** Where an SVID file without a PRIVATE KEY block finds its key: the device that holds it. */
  @FunctionalInterface
  public interface DeviceKeys {
    /** The device-held private key for {@code leafKey}, empty if the device has none. */
    Optional<PrivateKey> find(PublicKey leafKey) throws IOException;

    /** No device: every SVID file must hold its key. */
    DeviceKeys NONE = leafKey -> Optional.empty();
  }

  /** Writes {@code credentials} to {@code file}, mode 0600, replacing it atomically. */
  public static void write(Path file, SvidCredentials credentials) throws IOException {
    AtomicFiles.replace(file, format(credentials).getBytes(StandardCharsets.US_ASCII), true);
  }

  /**
   * Reads {@code file} (written by {@link #write}) and validates its SVID against {@code bundle} at
   * {@code now}.
   *
   * @throws IOException if the file cannot be read, is larger than {@link #MAX_PEM_BYTES} or is
   *     readable by group or others
   * @throws SvidException if its contents are refused by {@link #parse} or {@link
   *     SvidValidator#validate}
   */
  public static SvidCredentials load(Path file, TrustBundle bundle, Instant now)
      throws IOException, SvidException {
    return load(file, bundle, now, DeviceKeys.NONE);
  }

  /**
   * As {@link #load(Path, TrustBundle, Instant)}, but a file with certificates only (its key held
   * by a device, see {@link #format}) takes its key from {@code device}: {@code KEY_MALFORMED} if
   * the device has no key for the leaf, {@code KEY_MISMATCH} if the key it gives does not sign for
   * the leaf.
   */
  public static SvidCredentials load(Path file, TrustBundle bundle, Instant now, DeviceKeys device)
      throws IOException, SvidException {
    byte[] pem = AtomicFiles.read(file, MAX_PEM_BYTES, true);
    List<Pem.Block> blocks = Pem.decode(pem, SvidFailure.SVID_MALFORMED, "the SVID file");
    if (blocks.stream().anyMatch(b -> b.label().equals(Pem.PRIVATE_KEY))) {
      Parsed parsed = parse(pem, pem);
      X509Svid svid = SvidValidator.validate(parsed.chain(), bundle, now);
      return SvidCredentials.of(svid, parsed.privateKey());
    }
    X509Svid svid = SvidValidator.validate(certificates(pem), bundle, now);
    PrivateKey key =
        device
            .find(svid.publicKey())
            .orElseThrow(
                () ->
                    new SvidException(
                        SvidFailure.KEY_MALFORMED,
                        file
                            + " holds no PRIVATE KEY block and no device holds the key of its"
                            + " certificate"));
    return SvidCredentials.of(svid, key);
  }

  /**
   * The certificates of a PEM chain (an SVID answer's {@code svid}), at least one, bounded by
   * {@link #MAX_PEM_BYTES}; no profile or time check (validate with {@link SvidValidator}).
   */
  public static List<X509Certificate> certificates(byte[] pem) throws SvidException {
    if (pem.length > MAX_PEM_BYTES) {
      throw new SvidException(
          SvidFailure.SVID_MALFORMED, "an SVID file is at most " + MAX_PEM_BYTES + " bytes");
    }
    List<Pem.Block> blocks = Pem.decode(pem, SvidFailure.SVID_MALFORMED, "the certificates");
    if (blocks.isEmpty()) {
      throw new SvidException(SvidFailure.SVID_MALFORMED, "the certificates are not PEM");
    }
    List<X509Certificate> chain =
        Certificates.fromPemBlocks(blocks, SvidFailure.SVID_MALFORMED, "the SVID");
    if (chain.isEmpty()) {
      throw new SvidException(SvidFailure.SVID_MALFORMED, "no certificates found");
    }
    if (chain.size() > SvidValidator.MAX_CHAIN_LENGTH) {
      throw new SvidException(
          SvidFailure.SVID_MALFORMED,
          "an SVID chain has at most " + SvidValidator.MAX_CHAIN_LENGTH + " certificates");
    }
    return chain;
  }

  private static PrivateKey privateKey(byte[] pem) throws SvidException {
    if (pem.length > MAX_PEM_BYTES) {
      throw new SvidException(
          SvidFailure.KEY_MALFORMED, "a key file is at most " + MAX_PEM_BYTES + " bytes");
    }
    List<Pem.Block> blocks = Pem.decode(pem, SvidFailure.KEY_MALFORMED, "the private key");
    if (blocks.isEmpty()) {
      throw new SvidException(SvidFailure.KEY_MALFORMED, "the private key is not PEM");
    }
    List<Pem.Block> keys = blocks.stream().filter(b -> b.label().equals(Pem.PRIVATE_KEY)).toList();
    if (keys.size() != 1) {
      throw new SvidException(
          SvidFailure.KEY_MALFORMED,
          "expected one PRIVATE KEY block, found " + (keys.isEmpty() ? "none" : keys.size()));
    }
    return PrivateKeys.fromPkcs8(keys.getFirst().der());
  }
}
