/**
 * Writ's transparency log as pure data: RFC 9162 hashing and proofs, C2SP signed notes, checkpoints
 * and tile paths; writing a log as tlog-tiles files and auditing such a folder offline. No server.
 */
module dev.writ.log {
  // transitive: LogKeySigner and NoteVerifierKey take BouncyCastle Ed25519 key parameters
  requires transitive org.bouncycastle.provider;

  exports dev.writ.log;
}
