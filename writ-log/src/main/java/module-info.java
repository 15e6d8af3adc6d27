/**
 * Writ's transparency log as pure data: RFC 9162 hashing and proofs, C2SP signed notes, checkpoints
 * and tile paths. No server, no storage.
 */
module dev.writ.log {
  // transitive: LogKeySigner and NoteVerifierKey take BouncyCastle Ed25519 key parameters
  requires transitive org.bouncycastle.provider;

  exports dev.writ.log;
}
