package dev.writ.sign;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKA_ALWAYS_SENSITIVE;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKA_EXTRACTABLE;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKA_NEVER_EXTRACTABLE;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKA_PRIVATE;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKA_SENSITIVE;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKA_TOKEN;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKA_VALUE;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKK_EC;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKM_EC_KEY_PAIR_GEN;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKO_PRIVATE_KEY;

import dev.writ.core.KeyId;
import dev.writ.core.PublicKeyVerifier;
import dev.writ.core.SignatureAlgorithm;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.Provider;
import java.security.Security;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xipki.pkcs11.wrapper.AttributeVector;
import org.xipki.pkcs11.wrapper.KeyPairTemplate;
import org.xipki.pkcs11.wrapper.Mechanism;
import org.xipki.pkcs11.wrapper.PKCS11Module;
import org.xipki.pkcs11.wrapper.Session;
import org.xipki.pkcs11.wrapper.Slot;
import org.xipki.pkcs11.wrapper.attrs.Attribute;

/** {@link Pkcs11Keystore} against a real SoftHSM2 token made for this class. */
class Pkcs11KeystoreTest {
  private static final String TOKEN = "writ-keystore-test";
  private static final char[] PIN = "user-pin-1234".toCharArray();
  private static final byte[] MESSAGE =
      "DSSEv1 28 application/vnd.writ.v1+json 2 {}".getBytes(StandardCharsets.US_ASCII);

  @TempDir static Path dir;

  @BeforeAll
  static void makeToken() throws Exception {
    SoftHsm2.configure(dir).initToken(TOKEN, PIN);
  }

  private static Pkcs11Keystore open() throws SigningException {
    return Pkcs11Keystore.open(Pkcs11Keystore.defaultModule(), TOKEN, PIN.clone());
  }

  @Test
  void generate_ed25519InToken_signsWhatCoreVerifierAccepts() throws Exception {
    try (Pkcs11Keystore ks = open()) {
      OperatorSigner key = ks.generate(SignatureAlgorithm.ED25519, "ed-sign");
      byte[] sig = key.sign(MESSAGE);

      PublicKeyVerifier verifier =
          PublicKeyVerifier.decode(SignatureAlgorithm.ED25519, key.publicKeySpki());
      assertThat(key.algorithm()).isEqualTo(SignatureAlgorithm.ED25519);
      assertThat(sig).hasSize(64);
      assertThat(verifier.verify(MESSAGE, sig)).isTrue();
      assertThat(verifier.keyId()).isEqualTo(key.keyId());
    }
  }

  @Test
  void generate_ecdsaP256InToken_signsP1363WhatCoreVerifierAccepts() throws Exception {
    try (Pkcs11Keystore ks = open()) {
      OperatorSigner key = ks.generate(SignatureAlgorithm.ECDSA_P256_SHA256, "ec-sign");
      byte[] sig = key.sign(MESSAGE);

      PublicKeyVerifier verifier =
          PublicKeyVerifier.decode(SignatureAlgorithm.ECDSA_P256_SHA256, key.publicKeySpki());
      assertThat(key.algorithm()).isEqualTo(SignatureAlgorithm.ECDSA_P256_SHA256);
      assertThat(sig).hasSize(64);
      assertThat(verifier.verify(MESSAGE, sig)).isTrue();
      assertThat(verifier.keyId()).isEqualTo(key.keyId());
    }
  }

  @Test
  void sign_ecdsaP256_goesThroughSunPkcs11NotInstalledGlobally() throws Exception {
    try (Pkcs11Keystore ks = open()) {
      OperatorSigner key = ks.generate(SignatureAlgorithm.ECDSA_P256_SHA256, "ec-provider");

      assertThat(key).isInstanceOf(Pkcs11EcdsaSigner.class);
      Provider provider = ((Pkcs11EcdsaSigner) key).provider();
      assertThat(provider.getName()).startsWith("SunPKCS11-");
      assertThat(provider.isConfigured()).isTrue();
      assertThat(Security.getProvider(provider.getName())).isNull();
      assertThat(Security.getProviders()).noneMatch(p -> p.getName().startsWith("SunPKCS11-"));
    }
  }

  @Test
  void sign_ed25519_usesCkmEddsaThroughTheWrapper() throws Exception {
    try (Pkcs11Keystore ks = open()) {
      assertThat(ks.generate(SignatureAlgorithm.ED25519, "ed-wrapper"))
          .isInstanceOf(Pkcs11EdDsaSigner.class);
    }
  }

  @Test
  void sign_tamperedMessage_doesNotVerify() throws Exception {
    try (Pkcs11Keystore ks = open()) {
      for (SignatureAlgorithm alg :
          new SignatureAlgorithm[] {
            SignatureAlgorithm.ED25519, SignatureAlgorithm.ECDSA_P256_SHA256
          }) {
        OperatorSigner key = ks.generate(alg, "tamper-" + alg.wire());
        byte[] sig = key.sign(MESSAGE);
        byte[] tampered = MESSAGE.clone();
        tampered[tampered.length - 1] ^= 1;

        assertThat(PublicKeyVerifier.decode(alg, key.publicKeySpki()).verify(tampered, sig))
            .as(alg.wire())
            .isFalse();
      }
    }
  }

  @Test
  void publicKeySpki_isCanonicalDerAndKeyIdIsItsSha256() throws Exception {
    try (Pkcs11Keystore ks = open()) {
      for (SignatureAlgorithm alg :
          new SignatureAlgorithm[] {
            SignatureAlgorithm.ED25519, SignatureAlgorithm.ECDSA_P256_SHA256
          }) {
        OperatorSigner key = ks.generate(alg, "spki-" + alg.wire());

        assertThat(PublicKeyVerifier.decode(alg, key.publicKeySpki()).spki())
            .isEqualTo(key.publicKeySpki());
        assertThat(key.keyId()).isEqualTo(KeyId.ofSpki(key.publicKeySpki()));
      }
    }
  }

  @Test
  void find_afterReopen_returnsTheSameKeys() throws Exception {
    KeyId ed;
    KeyId ec;
    try (Pkcs11Keystore ks = open()) {
      ed = ks.generate(SignatureAlgorithm.ED25519, "reopen-ed").keyId();
      ec = ks.generate(SignatureAlgorithm.ECDSA_P256_SHA256, "reopen-ec").keyId();
    }
    try (Pkcs11Keystore ks = open()) {
      OperatorSigner foundEd = ks.find("reopen-ed");
      OperatorSigner foundEc = ks.find("reopen-ec");

      assertThat(foundEd.keyId()).isEqualTo(ed);
      assertThat(foundEc.keyId()).isEqualTo(ec);
      assertThat(foundEc.algorithm()).isEqualTo(SignatureAlgorithm.ECDSA_P256_SHA256);
      assertThat(
              PublicKeyVerifier.decode(
                      SignatureAlgorithm.ECDSA_P256_SHA256, foundEc.publicKeySpki())
                  .verify(MESSAGE, foundEc.sign(MESSAGE)))
          .isTrue();
    }
  }

  @Test
  void labels_listsGeneratedSigningKeys() throws Exception {
    try (Pkcs11Keystore ks = open()) {
      ks.generate(SignatureAlgorithm.ED25519, "list-b");
      ks.generate(SignatureAlgorithm.ECDSA_P256_SHA256, "list-a");

      assertThat(ks.labels()).contains("list-a", "list-b").isSorted().doesNotHaveDuplicates();
    }
  }

  @Test
  void generate_existingLabel_refused() throws Exception {
    try (Pkcs11Keystore ks = open()) {
      KeyId first = ks.generate(SignatureAlgorithm.ED25519, "taken").keyId();

      assertThatThrownBy(() -> ks.generate(SignatureAlgorithm.ECDSA_P256_SHA256, "taken"))
          .isInstanceOf(SigningException.class)
          .hasMessageContaining("already used");
      assertThat(ks.find("taken").keyId()).isEqualTo(first);
    }
  }

  @Test
  void generate_mlDsa65InToken_refusedWithClearMessage() throws Exception {
    try (Pkcs11Keystore ks = open()) {
      assertThatThrownBy(() -> ks.generate(SignatureAlgorithm.ML_DSA_65, "pq"))
          .isInstanceOf(SigningException.class)
          .hasMessageContaining("ml-dsa-65")
          .hasMessageContaining("FileKeystore");
      assertThat(ks.labels()).doesNotContain("pq");
    }
  }

  @Test
  void generate_labelOutsideTrustRootForm_refused() throws Exception {
    try (Pkcs11Keystore ks = open()) {
      assertThatThrownBy(() -> ks.generate(SignatureAlgorithm.ED25519, "bad\nlabel"))
          .isInstanceOf(SigningException.class)
          .hasMessageContaining("label must match");
    }
  }

  @Test
  void find_unknownLabel_throws() throws Exception {
    try (Pkcs11Keystore ks = open()) {
      assertThatThrownBy(() -> ks.find("no-such-key"))
          .isInstanceOf(SigningException.class)
          .hasMessageContaining("no key labelled \"no-such-key\"");
    }
  }

  @Test
  void open_wrongPin_throwsWrongPassword() {
    assertThatThrownBy(
            () ->
                Pkcs11Keystore.open(
                    Pkcs11Keystore.defaultModule(), TOKEN, "not-the-pin".toCharArray()))
        .isInstanceOf(SigningException.WrongPasswordException.class)
        .hasMessage("wrong PIN for token \"" + TOKEN + "\"");
  }

  @Test
  void open_unknownToken_throwsNamingTheTokensPresent() {
    assertThatThrownBy(
            () -> Pkcs11Keystore.open(Pkcs11Keystore.defaultModule(), "no-such-token", PIN.clone()))
        .isInstanceOf(SigningException.class)
        .hasMessageContaining("no token labelled \"no-such-token\"")
        .hasMessageContaining("\"" + TOKEN + "\"");
  }

  @Test
  void open_missingModule_throws() {
    Path missing = dir.resolve("no-such-pkcs11.so");

    assertThatThrownBy(() -> Pkcs11Keystore.open(missing, TOKEN, PIN.clone()))
        .isInstanceOf(SigningException.class)
        .hasMessageContaining("PKCS#11 module " + missing + " not found");
  }

  @Test
  void open_whileAnotherKeystoreIsLoggedIn_refusedUntilItCloses() throws Exception {
    try (Pkcs11Keystore first = open()) {
      assertThat(first.labels()).isNotNull();

      // the token would accept any PIN while the process is logged in
      assertThatThrownBy(
              () -> Pkcs11Keystore.open(Pkcs11Keystore.defaultModule(), TOKEN, "x".toCharArray()))
          .isInstanceOf(SigningException.class)
          .hasMessageContaining("already logged in");
    }
    try (Pkcs11Keystore again = open()) {
      assertThat(again.labels()).isNotNull();
    }
  }

  @Test
  void sign_afterKeystoreClosed_throws() throws Exception {
    OperatorSigner ed;
    OperatorSigner ec;
    try (Pkcs11Keystore ks = open()) {
      ed = ks.generate(SignatureAlgorithm.ED25519, "closed-ed");
      ec = ks.generate(SignatureAlgorithm.ECDSA_P256_SHA256, "closed-ec");
    }

    assertThatThrownBy(() -> ed.sign(MESSAGE))
        .isInstanceOf(SigningException.class)
        .hasMessageContaining("closed");
    assertThatThrownBy(() -> ec.sign(MESSAGE))
        .isInstanceOf(SigningException.class)
        .hasMessageContaining("closed");
  }

  @Test
  void generate_privateKey_isSensitiveNonExtractableTokenObject() throws Exception {
    try (Pkcs11Keystore ks = open()) {
      ks.generate(SignatureAlgorithm.ED25519, "protected-ed");
      ks.generate(SignatureAlgorithm.ECDSA_P256_SHA256, "protected-ec");

      // read back through a session of our own, not through the keystore
      Session session = tokenSession();
      try {
        for (String label : new String[] {"protected-ed", "protected-ec"}) {
          long[] found =
              session.findObjectsSingle(
                  new AttributeVector().class_(CKO_PRIVATE_KEY).label(label), 2);
          assertThat(found).as(label).hasSize(1);
          AttributeVector a =
              session.getAttrValues(
                  found[0],
                  CKA_TOKEN,
                  CKA_PRIVATE,
                  CKA_SENSITIVE,
                  CKA_ALWAYS_SENSITIVE,
                  CKA_EXTRACTABLE,
                  CKA_NEVER_EXTRACTABLE);
          assertThat(a.token()).as(label + " CKA_TOKEN").isTrue();
          assertThat(a.private_()).as(label + " CKA_PRIVATE").isTrue();
          assertThat(a.sensitive()).as(label + " CKA_SENSITIVE").isTrue();
          assertThat(a.alwaysSensitive()).as(label + " CKA_ALWAYS_SENSITIVE").isTrue();
          assertThat(a.extractable()).as(label + " CKA_EXTRACTABLE").isFalse();
          assertThat(a.neverExtractable()).as(label + " CKA_NEVER_EXTRACTABLE").isTrue();

          Attribute value = session.getAttrValues(found[0], CKA_VALUE).getAttribute(CKA_VALUE);
          assertThat(value.isSensitive()).as(label + " CKA_VALUE is sensitive").isTrue();
          assertThat(value.getValue()).as(label + " CKA_VALUE is not revealed").isNull();
        }
      } finally {
        session.closeSession();
      }
    }
  }

  @Test
  void find_ecdsaKeyWithoutCertificate_explainsWhatSunPkcs11Needs() throws Exception {
    try (Pkcs11Keystore ks = open()) {
      Session session = tokenSession();
      try {
        KeyPairTemplate t =
            new KeyPairTemplate(CKK_EC)
                .token(true)
                .labels("bare-ec")
                .signVerify(true)
                .id(new byte[] {7});
        t.publicKey().ecParams(Pkcs11PublicKeys.P256_PARAMS);
        t.privateKey().sensitive(true).extractable(false).private_(true);
        session.generateKeyPair(new Mechanism(CKM_EC_KEY_PAIR_GEN), t);
      } finally {
        session.closeSession();
      }

      assertThat(ks.labels()).contains("bare-ec");
      assertThatThrownBy(() -> ks.find("bare-ec"))
          .isInstanceOf(SigningException.class)
          .hasMessageContaining("needs an X.509 certificate object");
    }
  }

  /** A read-write session on the test token, sharing the process's login. */
  private static Session tokenSession() throws Exception {
    PKCS11Module p11 = Pkcs11Modules.load(Pkcs11Keystore.defaultModule());
    for (Slot slot : p11.getSlotList(true)) {
      if (slot.getToken().getTokenInfo().getLabel().strip().equals(TOKEN)) {
        return slot.getToken().openSession(true);
      }
    }
    throw new AssertionError("test token not found");
  }
}
