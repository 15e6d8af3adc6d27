/**
 * Node identity: hardware attestation verifiers (TPM 2.0, AMD SEV-SNP, Intel TDX) and posture, the
 * SPIFFE CA that issues X.509-SVIDs, SVID validation, and mutual TLS 1.3 contexts with a per
 * handshake peer check. Holds no operator key and has no path that signs a writ.
 */
module dev.writ.identity {
  exports dev.writ.identity;
  exports dev.writ.identity.tdx;
  exports dev.writ.identity.snp;
  exports dev.writ.identity.tpm;
  exports dev.writ.identity.svid;
  exports dev.writ.identity.tls;

  requires transitive dev.writ.core;
  requires org.bouncycastle.provider;
  requires org.bouncycastle.pkix;
  requires org.bouncycastle.util;
}
