/**
 * Writ's verification kernel: formats, canonical JSON, DSSE, trust root, the verifier, and the
 * content-addressed store servers and agents share.
 */
module dev.writ.core {
  requires org.bouncycastle.provider;

  exports dev.writ.core;
  exports dev.writ.core.json;
  exports dev.writ.core.content;
}
