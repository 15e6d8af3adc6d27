package dev.writ.it.server;

import dev.writ.core.WritId;

/**
 * A signed writ envelope and the id inside it, as a client holds it before posting. Immutable and
 * thread-safe: the bytes are copied in and out.
 */
final class SignedWrit {
  private final WritId id;
  private final byte[] envelope;

  SignedWrit(WritId id, byte[] envelope) {
    this.id = id;
    this.envelope = envelope.clone();
  }

  WritId id() {
    return id;
  }

  byte[] envelope() {
    return envelope.clone();
  }

  @Override
  public String toString() {
    return "writ " + id.hex();
  }
}
