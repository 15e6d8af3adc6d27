/** Operator signing: the only module that touches operator private keys. */
module dev.writ.sign {
  requires transitive dev.writ.core;
  requires org.bouncycastle.provider;
  requires org.bouncycastle.pkix;
  // SunPKCS11, configured per keystore and never installed globally (ADR 0004)
  requires jdk.crypto.cryptoki;
  // org.xipki:ipkcs11wrapper (automatic module): CKM_EDDSA and object management (ADR 0004)
  requires ipkcs11wrapper;

  exports dev.writ.sign;
}
