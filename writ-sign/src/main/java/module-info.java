/** Operator signing: the only module that touches operator private keys. */
module dev.writ.sign {
  requires transitive dev.writ.core;
  requires org.bouncycastle.provider;
  requires org.bouncycastle.pkix;

  exports dev.writ.sign;
}
