package dev.writ.identity.svid;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

/**
 * A TLS identity key (EC P-256) for a node or the server, and the one thing it signs here: the
 * PKCS#10 request that proves possession of it (svid.md, "CSR"). It has no method that signs
 * arbitrary bytes, so holding one gives no path to a writ signature; the modules that must never
 * sign writs (server, agent, state) get their keys from here instead of calling signing APIs
 * themselves. Either a software key in memory ({@link #generate}) or a key a TPM holds ({@link #of}
 * with a {@link dev.writ.identity.tpm.TpmPrivateKey}), which signs through the JCA provider that
 * key installs (ADR 0011).
 *
 * <p>Immutable and thread-safe.
 */
public final class NodeKey {
  private final KeyPair keys;

  private NodeKey(KeyPair keys) {
    this.keys = keys;
  }

  /**
   * A key held by a device: {@code privateKey} has no encoding and signs {@code SHA256withECDSA}
   * through its own provider, {@code publicKey} is its P-256 public half.
   *
   * @throws IllegalArgumentException if the private key is exportable (use {@link #generate}) or
   *     does not sign for the public key
   */
  public static NodeKey of(ECPublicKey publicKey, PrivateKey privateKey) {
    if (!PrivateKeys.isDeviceKey(privateKey, "EC")) {
      throw new IllegalArgumentException("only a device-held EC key without an encoding is taken");
    }
    try {
      PrivateKeys.checkPair(privateKey, publicKey);
    } catch (SvidException e) {
      throw new IllegalArgumentException("the device key does not sign for its public key", e);
    }
    return new NodeKey(new KeyPair(publicKey, privateKey));
  }

  /** Whether the private key is held by a device (a TPM) and cannot be exported. */
  public boolean deviceHeld() {
    return keys.getPrivate().getFormat() == null;
  }

  /** A fresh P-256 key from {@code random}. */
  public static NodeKey generate(SecureRandom random) {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"), random);
      return new NodeKey(g.generateKeyPair());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("P-256 is part of every JDK", e);
    }
  }

  public PublicKey publicKey() {
    return keys.getPublic();
  }

  /** The private key, for the TLS key manager and the SVID file only (a device key: a handle). */
  public PrivateKey privateKey() {
    return keys.getPrivate();
  }

  /**
   * The DER of a PKCS#10 request for this key, subject {@code CN=<commonName>} (the server ignores
   * the subject and decides the identity itself), signed with this key (SHA256withECDSA).
   */
  public byte[] csr(String commonName) {
    X500Name subject = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, commonName).build();
    try {
      return new JcaPKCS10CertificationRequestBuilder(subject, keys.getPublic())
          .build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate()))
          .getEncoded();
    } catch (OperatorCreationException | IOException e) {
      throw new IllegalStateException("cannot encode a PKCS#10 request for a P-256 key", e);
    }
  }

  @Override
  public String toString() {
    return deviceHeld() ? "NodeKey[P-256, device-held]" : "NodeKey[P-256]";
  }
}
