/** Writ's verification kernel: formats, canonical JSON, DSSE, trust root and the verifier. */
module dev.writ.core {
  requires org.bouncycastle.provider;

  exports dev.writ.core;
  exports dev.writ.core.json;
}
