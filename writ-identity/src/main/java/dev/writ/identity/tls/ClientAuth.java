package dev.writ.identity.tls;

/** Whether a server port requires a client SVID. Closed set. */
public enum ClientAuth {
  /**
   * A client certificate is required: a client without one fails the handshake (the agent routes).
   */
  NEED,
  /**
   * A client certificate is asked for: a client with one is checked like under {@link #NEED} and
   * refused if it fails; a client without one connects unauthenticated (the operator port, where
   * writs carry their own signatures).
   */
  WANT
}
