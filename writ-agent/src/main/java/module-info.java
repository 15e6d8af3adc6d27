/**
 * The Writ node agent. This slice: pull enrollment and SVID renewal (docs/spec/enrollment.md) with
 * TPM 2.0 evidence through tpm2-tools, or none (degraded). Holds its own key, never an operator
 * key.
 */
module dev.writ.agent {
  requires transitive dev.writ.core;
  requires transitive dev.writ.identity;
  requires transitive dev.writ.log;
  requires transitive dev.writ.sandbox;
  requires java.net.http;

  exports dev.writ.agent;
}
