package dev.writ.sign;

import java.security.Provider;
import org.bouncycastle.jce.provider.BouncyCastleProvider;

/** The BouncyCastle JCA provider instance, passed explicitly (never installed globally). */
final class Bc {
  static final Provider PROVIDER = new BouncyCastleProvider();

  private Bc() {}
}
