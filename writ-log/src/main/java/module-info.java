/**
 * Writ's transparency log: RFC 9162 hashing and proofs, C2SP signed notes, checkpoints and tile
 * paths; the in-memory log a server appends to and serves from; writing a log as tlog-tiles files;
 * verifying receipts; auditing a log from a folder or over HTTP. No HTTP server.
 */
module dev.writ.log {
  // transitive: LogKeySigner and NoteVerifierKey take BouncyCastle Ed25519 key parameters
  requires transitive org.bouncycastle.provider;
  // strict canonical JSON for receipts and records; transitive since ResultRecord.node() is a
  // writ-core SpiffeId (parsed once, at the edge)
  requires transitive dev.writ.core;
  // LogSource.http: the JDK HTTP client, for auditing a log over HTTP(S); transitive since one
  // overload takes the caller's client (e.g. TLS to a Writ server)
  requires transitive java.net.http;

  exports dev.writ.log;
}
