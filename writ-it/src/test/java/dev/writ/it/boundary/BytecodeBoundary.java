package dev.writ.it.boundary;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.AccessTarget;
import com.tngtech.archunit.core.domain.JavaAccess;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.lang.ArchRule;
import java.util.Map;
import java.util.Set;

/**
 * The bytecode half of the signing boundary (DESIGN.md section 9): no class of the server, the
 * agent or the replicated state may produce a signature with a private key, or reach operator keys.
 *
 * <p>What counts, for classes in {@code dev.writ.server..}, {@code dev.writ.agent..} and {@code
 * dev.writ.state..}:
 *
 * <ul>
 *   <li>any dependency on {@code dev.writ.sign..} (operator keys and envelope signing), or on a
 *       PKCS#11 binding ({@code org.xipki.pkcs11..}, {@code iaik.pkcs.pkcs11..});
 *   <li>JCA signing: calls to {@code java.security.Signature.initSign} or {@code sign} (on {@code
 *       Signature} or a subclass; {@code initVerify} and {@code verify} are fine);
 *   <li>making or loading private keys: any use of {@code java.security.KeyPairGenerator} and calls
 *       to {@code java.security.KeyFactory.generatePrivate};
 *   <li>BouncyCastle: calls to any {@code generateSignature} (the lightweight {@code Signer} and
 *       {@code DSA} APIs: Ed25519Signer, ECDSASigner, MLDSASigner, ...), use of any {@code
 *       *PrivateKeyParameters} or {@code *KeyPairGenerator}, and use of {@code ContentSigner} or a
 *       {@code *ContentSignerBuilder} (X.509/CMS signing). {@code Signer.init(true, key)} itself is
 *       not matched, because bytecode analysis does not see the argument, but signing with it needs
 *       {@code generateSignature} and a private-key parameter, both of which are.
 * </ul>
 *
 * <p>Not covered: reflection and code loaded at run time. The server's own keys (TLS, SPIFFE CA,
 * checkpoint) are used through writ-identity and writ-log, which this rule does not restrict; their
 * keys are not in any trust root, so they cannot make a writ.
 */
final class BytecodeBoundary {
  /** Guarded module directory name -> the package all its classes must live in. */
  static final Map<String, String> GUARDED_MODULES =
      Map.of(
          "writ-server", "dev.writ.server",
          "writ-agent", "dev.writ.agent",
          "writ-state", "dev.writ.state");

  private static final Set<String> JCA_SIGNING = Set.of("initSign", "sign");

  static final DescribedPredicate<JavaClass> SIGNING_TYPES =
      DescribedPredicate.describe(
          "are operator-signing, PKCS#11 or private-key types", BytecodeBoundary::isSigningType);

  static final DescribedPredicate<JavaAccess<?>> SIGNING_CALLS =
      DescribedPredicate.describe(
          "the access is a private-key signing call", BytecodeBoundary::isSigningCall);

  static final ArchRule RULE =
      noClasses()
          .that()
          .resideInAnyPackage("dev.writ.server..", "dev.writ.agent..", "dev.writ.state..")
          .should()
          .dependOnClassesThat(SIGNING_TYPES)
          .orShould()
          .accessTargetWhere(SIGNING_CALLS)
          .because(
              "the control plane, the agent and the replicated state never hold operator keys or"
                  + " any code path that can sign (DESIGN.md sections 1 and 9)");

  private BytecodeBoundary() {}

  private static boolean isSigningType(JavaClass type) {
    JavaClass c = type.getBaseComponentType();
    String pkg = c.getPackageName();
    String simple = c.getSimpleName();
    boolean bouncyCastle = within(pkg, "org.bouncycastle");
    return within(pkg, "dev.writ.sign")
        || within(pkg, "org.xipki.pkcs11")
        || within(pkg, "iaik.pkcs.pkcs11")
        || c.isAssignableTo("java.security.KeyPairGenerator")
        || (bouncyCastle
            && (simple.endsWith("PrivateKeyParameters")
                || simple.endsWith("KeyPairGenerator")
                || simple.equals("ContentSigner")
                || simple.endsWith("ContentSignerBuilder")));
  }

  private static boolean isSigningCall(JavaAccess<?> access) {
    AccessTarget target = access.getTarget();
    JavaClass owner = target.getOwner();
    String name = target.getName();
    return (owner.isAssignableTo("java.security.Signature") && JCA_SIGNING.contains(name))
        || (owner.isAssignableTo("java.security.KeyFactory") && name.equals("generatePrivate"))
        || (within(owner.getPackageName(), "org.bouncycastle") && name.equals("generateSignature"));
  }

  private static boolean within(String pkg, String root) {
    return pkg.equals(root) || pkg.startsWith(root + ".");
  }
}
