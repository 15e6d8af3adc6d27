package dev.writ.identity.tls;

/**
 * Told about every handshake a trust manager refuses, on the handshake thread, before the handshake
 * fails. Implementations must be thread-safe, fast and must not throw (an exception is attached to
 * the handshake failure and otherwise ignored).
 */
@FunctionalInterface
public interface RefusalListener {
  /** A listener that ignores refusals. */
  RefusalListener NONE = refusal -> {};

  /** Called once per refused handshake. */
  void refused(Refusal refusal);
}
