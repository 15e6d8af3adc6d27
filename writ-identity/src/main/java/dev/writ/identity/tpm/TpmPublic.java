package dev.writ.identity.tpm;

import dev.writ.identity.AttestationException;
import dev.writ.identity.AttestationFailure;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.util.Optional;

/**
 * A parsed TPMT_PUBLIC (TPM 2.0 Part 2 §12.2.4) of an RSA or ECC key: the fields Writ checks and
 * the key as a JCA {@link PublicKey}. Immutable.
 */
final class TpmPublic {
  static final int TPM_ALG_RSA = 0x0001;
  static final int TPM_ALG_ECC = 0x0023;
  static final int TPM_ALG_NULL = 0x0010;
  static final int TPM_ALG_RSASSA = 0x0014;
  static final int TPM_ALG_RSAES = 0x0015;
  static final int TPM_ALG_RSAPSS = 0x0016;
  static final int TPM_ALG_OAEP = 0x0017;
  static final int TPM_ALG_ECDSA = 0x0018;
  static final int TPM_ALG_ECDH = 0x0019;
  static final int TPM_ALG_ECDAA = 0x001A;
  static final int TPM_ALG_SM2 = 0x001B;
  static final int TPM_ALG_ECSCHNORR = 0x001C;
  static final int TPM_ALG_ECMQV = 0x001D;

  // TPMA_OBJECT bits (Part 2 §8.3.2)
  static final long FIXED_TPM = 1L << 1;
  static final long FIXED_PARENT = 1L << 4;
  static final long SENSITIVE_DATA_ORIGIN = 1L << 5;
  static final long RESTRICTED = 1L << 16;
  static final long DECRYPT = 1L << 17;
  static final long SIGN = 1L << 18;

  private final int type;
  private final TpmHash nameAlg;
  private final long attributes;
  private final int schemeAlg;
  private final Optional<TpmHash> schemeHash;
  private final PublicKey key;
  private final Optional<TpmCurve> curve;
  private final byte[] encoded;

  private TpmPublic(
      int type,
      TpmHash nameAlg,
      long attributes,
      int schemeAlg,
      Optional<TpmHash> schemeHash,
      PublicKey key,
      Optional<TpmCurve> curve,
      byte[] encoded) {
    this.type = type;
    this.nameAlg = nameAlg;
    this.attributes = attributes;
    this.schemeAlg = schemeAlg;
    this.schemeHash = schemeHash;
    this.key = key;
    this.curve = curve;
    this.encoded = encoded;
  }

  /** Parses a TPMT_PUBLIC that must fill {@code bytes} exactly. */
  static TpmPublic parse(byte[] bytes) throws AttestationException {
    if (bytes.length > TpmLimits.MAX_PUBLIC_BYTES) {
      throw new AttestationException(
          AttestationFailure.ATTESTATION_OVERSIZE,
          "TPMT_PUBLIC has " + bytes.length + " bytes, more than " + TpmLimits.MAX_PUBLIC_BYTES);
    }
    TpmReader r = new TpmReader(bytes, "TPMT_PUBLIC");
    int type = r.u16();
    if (type != TPM_ALG_RSA && type != TPM_ALG_ECC) {
      throw r.malformed("type 0x" + Integer.toHexString(type) + " is not RSA or ECC");
    }
    TpmHash nameAlg = hash(r, "nameAlg");
    long attributes = r.u32();
    r.sized(TpmLimits.MAX_DIGEST, "authPolicy");
    int symmetric = r.u16();
    if (symmetric != TPM_ALG_NULL) {
      r.u16(); // keyBits
      r.u16(); // mode
    }
    int schemeAlg = r.u16();
    Optional<TpmHash> schemeHash = schemeDetails(r, type, schemeAlg);
    PublicKey key;
    Optional<TpmCurve> curve = Optional.empty();
    if (type == TPM_ALG_RSA) {
      key = rsaKey(r);
    } else {
      TpmCurve c = TpmCurve.fromId(r.u16()).orElseThrow(() -> r.malformed("unsupported ECC curve"));
      int kdf = r.u16();
      if (kdf != TPM_ALG_NULL) {
        hash(r, "kdf hash");
      }
      key = eccKey(r, c);
      curve = Optional.of(c);
    }
    r.end();
    return new TpmPublic(
        type, nameAlg, attributes, schemeAlg, schemeHash, key, curve, bytes.clone());
  }

  /** Parses a TPM2B_PUBLIC: a 16-bit size, then a TPMT_PUBLIC of exactly that size. */
  static TpmPublic parseSized(byte[] bytes) throws AttestationException {
    if (bytes.length > 2 + TpmLimits.MAX_PUBLIC_BYTES) {
      throw new AttestationException(
          AttestationFailure.ATTESTATION_OVERSIZE,
          "TPM2B_PUBLIC has " + bytes.length + " bytes, more than " + TpmLimits.MAX_PUBLIC_BYTES);
    }
    TpmReader r = new TpmReader(bytes, "TPM2B_PUBLIC");
    byte[] inner = r.sized(TpmLimits.MAX_PUBLIC_BYTES, "publicArea");
    r.end();
    return parse(inner);
  }

  private static Optional<TpmHash> schemeDetails(TpmReader r, int type, int scheme)
      throws AttestationException {
    if (scheme == TPM_ALG_NULL) {
      return Optional.empty();
    }
    boolean rsa = type == TPM_ALG_RSA;
    if (rsa && scheme == TPM_ALG_RSAES) {
      return Optional.empty(); // TPMS_ENC_SCHEME_RSAES is empty
    }
    if (rsa && (scheme == TPM_ALG_RSASSA || scheme == TPM_ALG_RSAPSS || scheme == TPM_ALG_OAEP)) {
      return Optional.of(hash(r, "scheme hash"));
    }
    if (!rsa && scheme == TPM_ALG_ECDAA) {
      TpmHash h = hash(r, "scheme hash");
      r.u16(); // count
      return Optional.of(h);
    }
    if (!rsa
        && (scheme == TPM_ALG_ECDSA
            || scheme == TPM_ALG_ECDH
            || scheme == TPM_ALG_SM2
            || scheme == TPM_ALG_ECSCHNORR
            || scheme == TPM_ALG_ECMQV)) {
      return Optional.of(hash(r, "scheme hash"));
    }
    throw r.malformed("scheme 0x" + Integer.toHexString(scheme) + " is not known for this type");
  }

  private static PublicKey rsaKey(TpmReader r) throws AttestationException {
    int keyBits = r.u16();
    long exponent = r.u32();
    byte[] modulus = r.sized(TpmLimits.MAX_RSA_KEY_BYTES, "RSA modulus");
    if (keyBits != 2048 && keyBits != 3072 && keyBits != 4096) {
      throw r.malformed("RSA keyBits " + keyBits + " is not 2048, 3072 or 4096");
    }
    if (modulus.length != keyBits / 8 || (modulus[0] & 0x80) == 0) {
      throw r.malformed("the RSA modulus is not " + keyBits + " bits");
    }
    if (exponent == 0) {
      exponent = 65537; // Part 2 §12.2.3.5: zero means the default exponent
    }
    if (exponent < 3 || exponent % 2 == 0) {
      throw r.malformed("RSA exponent " + exponent + " is not an odd number above 2");
    }
    try {
      return KeyFactory.getInstance("RSA")
          .generatePublic(
              new RSAPublicKeySpec(new BigInteger(1, modulus), BigInteger.valueOf(exponent)));
    } catch (GeneralSecurityException e) {
      throw new AttestationException(
          AttestationFailure.ATTESTATION_MALFORMED, "TPMT_PUBLIC: unusable RSA key", e);
    }
  }

  private static PublicKey eccKey(TpmReader r, TpmCurve curve) throws AttestationException {
    byte[] x = r.sized(TpmLimits.MAX_ECC_KEY_BYTES, "ECC x");
    byte[] y = r.sized(TpmLimits.MAX_ECC_KEY_BYTES, "ECC y");
    if (x.length == 0 || y.length == 0 || x.length > curve.size() || y.length > curve.size()) {
      throw r.malformed("ECC coordinates do not have the curve's size");
    }
    BigInteger bx = new BigInteger(1, x);
    BigInteger by = new BigInteger(1, y);
    if (!curve.contains(bx, by)) {
      throw r.malformed("the ECC point is not on the curve");
    }
    try {
      return KeyFactory.getInstance("EC")
          .generatePublic(new ECPublicKeySpec(new ECPoint(bx, by), curve.parameters()));
    } catch (GeneralSecurityException e) {
      throw new AttestationException(
          AttestationFailure.ATTESTATION_MALFORMED, "TPMT_PUBLIC: unusable ECC key", e);
    }
  }

  static TpmHash hash(TpmReader r, String field) throws AttestationException {
    int id = r.u16();
    return TpmHash.fromId(id)
        .orElseThrow(
            () -> r.malformed(field + " 0x" + Integer.toHexString(id) + " is not a known hash"));
  }

  /**
   * Requires the attributes of an attestation key: a restricted signing key that cannot leave the
   * TPM (fixedTPM, fixedParent) and was generated inside it (sensitiveDataOrigin), not a decryption
   * key.
   *
   * @throws AttestationException {@code ATTESTATION_KEY_UNBOUND} naming the first failing attribute
   */
  void checkAttestationKey() throws AttestationException {
    require(FIXED_TPM, true, "fixedTPM");
    require(FIXED_PARENT, true, "fixedParent");
    require(SENSITIVE_DATA_ORIGIN, true, "sensitiveDataOrigin");
    require(RESTRICTED, true, "restricted");
    require(SIGN, true, "sign");
    require(DECRYPT, false, "decrypt");
  }

  /**
   * Whether this is a node key as {@link Tpm2Tools#createNodeKey} makes it: an unrestricted ECC
   * P-256 signing key with scheme ECDSA-SHA256 that cannot leave the TPM (fixedTPM, fixedParent)
   * and was generated inside it (sensitiveDataOrigin), and no decryption key.
   */
  boolean isNodeKey() {
    long required = FIXED_TPM | FIXED_PARENT | SENSITIVE_DATA_ORIGIN | SIGN;
    return type == TPM_ALG_ECC
        && curve.orElse(null) == TpmCurve.P256
        && schemeAlg == TPM_ALG_ECDSA
        && schemeHash.orElse(null) == TpmHash.SHA256
        && (attributes & required) == required
        && (attributes & (RESTRICTED | DECRYPT)) == 0;
  }

  private void require(long bit, boolean set, String name) throws AttestationException {
    if (((attributes & bit) != 0) != set) {
      throw new AttestationException(
          AttestationFailure.ATTESTATION_KEY_UNBOUND,
          "the attestation key "
              + (set ? "lacks" : "has")
              + " the "
              + name
              + " attribute (objectAttributes 0x"
              + Long.toHexString(attributes)
              + ")");
    }
  }

  TpmName name() {
    return TpmName.of(nameAlg, encoded);
  }

  boolean isRsa() {
    return type == TPM_ALG_RSA;
  }

  TpmHash nameAlg() {
    return nameAlg;
  }

  /** The key's signing scheme, {@link #TPM_ALG_NULL} if the key leaves it to the command. */
  int schemeAlg() {
    return schemeAlg;
  }

  Optional<TpmHash> schemeHash() {
    return schemeHash;
  }

  Optional<TpmCurve> curve() {
    return curve;
  }

  PublicKey key() {
    return key;
  }
}
