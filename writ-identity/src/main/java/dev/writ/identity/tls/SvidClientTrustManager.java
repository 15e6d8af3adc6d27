package dev.writ.identity.tls;

import dev.writ.core.SpiffeId;
import dev.writ.identity.svid.SvidException;
import dev.writ.identity.svid.TrustBundle;
import dev.writ.identity.svid.X509Svid;
import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.Objects;
import java.util.function.Supplier;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The client side's trust manager: the server is accepted only if its chain is a valid X.509-SVID
 * of the bundle's trust domain at the injected clock's time, over TLS 1.3, and its SPIFFE ID is
 * exactly the expected server ID. This is SPIFFE authentication: no host name verification (any
 * endpoint identification algorithm set on the connection is ignored); the SPIFFE ID is the
 * server's name. A refusal is a {@link CertificateException} whose message starts with the {@link
 * PeerRefusal} code. Fail closed: the methods without a socket or engine, and every
 * client-certificate method, refuse. The handshake session is invalidated after the check, so the
 * client never resumes a session and checks the server on every connection.
 *
 * <p>Thread-safe if the bundle supplier, clock and listener are.
 */
public final class SvidClientTrustManager extends X509ExtendedTrustManager {
  private final Supplier<TrustBundle> bundle;
  private final Clock clock;
  private final SpiffeId expectedServer;
  private final RefusalListener listener;

  /**
   * @param bundle the current trust bundle, read on every handshake
   * @param clock the time SVIDs are validated at
   * @param expectedServer the only SPIFFE ID accepted from the server
   * @param listener told about every refusal
   */
  public SvidClientTrustManager(
      Supplier<TrustBundle> bundle,
      Clock clock,
      SpiffeId expectedServer,
      RefusalListener listener) {
    this.bundle = Objects.requireNonNull(bundle, "bundle");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.expectedServer = Objects.requireNonNull(expectedServer, "expectedServer");
    this.listener = Objects.requireNonNull(listener, "listener");
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    check(chain, Handshakes.session(socket));
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    check(chain, Handshakes.session(engine));
  }

  /** Refuses: without the handshake session, resumption could not be prevented. */
  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    throw new CertificateException("an SVID trust manager needs the socket or engine");
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    throw notForClients();
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    throw notForClients();
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    throw notForClients();
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return bundle.get().authorities().toArray(X509Certificate[]::new);
  }

  private void check(X509Certificate[] chain, SSLSession session) throws CertificateException {
    try {
      X509Svid server = Handshakes.validate(chain, session, bundle.get(), clock.instant());
      if (!server.id().equals(expectedServer)) {
        throw new PeerRefusedException(
            PeerRefusal.WRONG_PEER_ID,
            "the server is " + server.id() + ", expected " + expectedServer);
      }
    } catch (SvidException e) {
      throw Handshakes.refuse(listener, PeerRefusal.of(e.failure()), chain, e.getMessage(), e);
    } catch (PeerRefusedException e) {
      throw Handshakes.refuse(listener, e.refusal(), chain, e.getMessage(), e);
    } finally {
      session.invalidate();
    }
  }

  private static CertificateException notForClients() {
    return new CertificateException("a client-side SVID trust manager does not check clients");
  }
}
