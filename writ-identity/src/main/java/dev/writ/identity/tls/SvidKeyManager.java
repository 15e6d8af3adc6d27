package dev.writ.identity.tls;

import dev.writ.identity.svid.SvidCredentials;
import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.EdECPrivateKey;
import java.security.interfaces.RSAPrivateKey;
import java.util.Optional;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * Presents the current SVID and its key in TLS handshakes, client or server side. Credentials are
 * swapped as one snapshot: {@link #update} replaces key and chain together for new handshakes.
 *
 * <p>The JDK asks for an alias first and for the chain and the key by that alias later, in separate
 * calls; each snapshot has its own alias, and the previous snapshot stays reachable by its alias,
 * so a handshake that chose an alias before a swap still gets that snapshot's matching key and
 * chain. With no credentials (a client that has not enrolled yet) it offers nothing.
 *
 * <p>Thread-safe: readers see one volatile snapshot; updates are serialized.
 */
public final class SvidKeyManager extends X509ExtendedKeyManager {
  private static final String ALIAS_PREFIX = "svid-";

  private record Snapshot(String alias, SvidCredentials credentials) {
    X509Certificate[] chain() {
      return credentials.svid().chain().toArray(X509Certificate[]::new);
    }
  }

  private long generation;
  private volatile Snapshot current;
  private volatile Snapshot previous;

  private SvidKeyManager() {}

  /** A key manager presenting {@code credentials}. */
  public static SvidKeyManager of(SvidCredentials credentials) {
    SvidKeyManager km = new SvidKeyManager();
    km.update(credentials);
    return km;
  }

  /** A key manager with no credentials yet: it presents no certificate. */
  public static SvidKeyManager empty() {
    return new SvidKeyManager();
  }

  /** Replaces the credentials for handshakes that choose an alias from now on. */
  public synchronized void update(SvidCredentials credentials) {
    Snapshot next = new Snapshot(ALIAS_PREFIX + ++generation, credentials);
    previous = current;
    current = next;
  }

  /** The credentials presented now, if any. */
  public Optional<SvidCredentials> current() {
    Snapshot s = current;
    return s == null ? Optional.empty() : Optional.of(s.credentials());
  }

  @Override
  public String chooseClientAlias(String[] keyTypes, Principal[] issuers, Socket socket) {
    return choose(keyTypes);
  }

  @Override
  public String chooseEngineClientAlias(String[] keyTypes, Principal[] issuers, SSLEngine engine) {
    return choose(keyTypes);
  }

  @Override
  public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
    return choose(new String[] {keyType});
  }

  @Override
  public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
    return choose(new String[] {keyType});
  }

  @Override
  public String[] getClientAliases(String keyType, Principal[] issuers) {
    String alias = choose(new String[] {keyType});
    return alias == null ? null : new String[] {alias};
  }

  @Override
  public String[] getServerAliases(String keyType, Principal[] issuers) {
    return getClientAliases(keyType, issuers);
  }

  @Override
  public X509Certificate[] getCertificateChain(String alias) {
    Snapshot s = find(alias);
    return s == null ? null : s.chain();
  }

  @Override
  public PrivateKey getPrivateKey(String alias) {
    Snapshot s = find(alias);
    return s == null ? null : s.credentials().privateKey();
  }

  @Override
  public String toString() {
    Snapshot s = current;
    return "SvidKeyManager[" + (s == null ? "no credentials" : s.credentials().svid()) + "]";
  }

  private String choose(String[] keyTypes) {
    Snapshot s = current;
    if (s == null || keyTypes == null) {
      return null;
    }
    PrivateKey key = s.credentials().privateKey();
    for (String keyType : keyTypes) {
      if (matches(key, keyType)) {
        return s.alias();
      }
    }
    return null;
  }

  private Snapshot find(String alias) {
    Snapshot c = current;
    if (c != null && c.alias().equals(alias)) {
      return c;
    }
    Snapshot p = previous;
    return p != null && p.alias().equals(alias) ? p : null;
  }

  /** JSSE key type names (JDK X509Authentication) for the key kinds Writ certifies. */
  private static boolean matches(PrivateKey key, String keyType) {
    return switch (key) {
      case ECPrivateKey k -> "EC".equals(keyType);
      case EdECPrivateKey k -> "EdDSA".equals(keyType) || "Ed25519".equals(keyType);
      case RSAPrivateKey k -> "RSA".equals(keyType);
      // a TPM-resident key (no encoding) names its algorithm; JSSE then signs through its provider
      default -> key.getFormat() == null && "EC".equals(keyType) && "EC".equals(key.getAlgorithm());
    };
  }
}
