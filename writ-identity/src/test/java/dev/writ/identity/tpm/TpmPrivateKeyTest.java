package dev.writ.identity.tpm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.writ.identity.svid.Csr;
import dev.writ.identity.svid.NodeKey;
import java.io.ByteArrayOutputStream;
import java.io.NotSerializableException;
import java.io.ObjectOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.InvalidKeyException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.Security;
import java.security.Signature;
import java.security.SignatureException;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Node keys resident in a real software TPM (swtpm), used through the standard JCA API. */
class TpmPrivateKeyTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(60);
  private static final int A = Tpm2Tools.NODE_KEY_HANDLES.get(0);
  private static final int B = Tpm2Tools.NODE_KEY_HANDLES.get(1);
  private static final byte[] MESSAGE = "writ node key".getBytes(StandardCharsets.US_ASCII);

  @TempDir static Path tmp;
  private static SwtpmProcess tpm;
  private static Tpm2Tools tools;

  @BeforeAll
  static void start() throws Exception {
    tpm = SwtpmProcess.start(tmp.resolve("tpm"), TIMEOUT);
    tools = new Tpm2Tools(tpm.tcti(), Files.createDirectories(tmp.resolve("work")), TIMEOUT);
  }

  @AfterAll
  static void stop() {
    if (tpm != null) {
      tpm.close();
    }
  }

  private static byte[] sign(java.security.PrivateKey key, byte[] message) throws Exception {
    Signature s = Signature.getInstance("SHA256withECDSA");
    s.initSign(key);
    s.update(message);
    return s.sign();
  }

  private static boolean verifies(PublicKey key, byte[] message, byte[] signature)
      throws Exception {
    Signature v = Signature.getInstance("SHA256withECDSA");
    v.initVerify(key);
    v.update(message);
    return v.verify(signature);
  }

  private static KeyPair softwareKey() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    return g.generateKeyPair();
  }

  @Test
  void create_signsThroughTheStandardSignatureApi_verifiedByTheJdk() throws Exception {
    TpmPrivateKey key = TpmPrivateKey.create(tools, A);

    byte[] signature = sign(key, MESSAGE);

    assertThat(verifies(key.publicKey(), MESSAGE, signature)).isTrue();
    assertThat(
            verifies(
                key.publicKey(), "another message".getBytes(StandardCharsets.US_ASCII), signature))
        .isFalse();
    assertThat(key.handle()).isEqualTo(A);
    assertThat(key.getAlgorithm()).isEqualTo("EC");
    assertThat(key.getParams().getOrder()).isEqualTo(key.publicKey().getParams().getOrder());
  }

  @Test
  void at_findsThePersistedKeyFromAnotherToolsInstance() throws Exception {
    TpmPrivateKey made = TpmPrivateKey.create(tools, B);
    Tpm2Tools other =
        new Tpm2Tools(tpm.tcti(), Files.createDirectories(tmp.resolve("other")), TIMEOUT);

    TpmPrivateKey found = TpmPrivateKey.at(other, B).orElseThrow();

    assertThat(found.publicKey().getEncoded()).isEqualTo(made.publicKey().getEncoded());
    assertThat(verifies(made.publicKey(), MESSAGE, sign(found, MESSAGE))).isTrue();
  }

  @Test
  void create_replacesTheKeyAtItsHandle() throws Exception {
    TpmPrivateKey first = TpmPrivateKey.create(tools, A);
    TpmPrivateKey second = TpmPrivateKey.create(tools, A);

    assertThat(second.publicKey().getEncoded()).isNotEqualTo(first.publicKey().getEncoded());
    byte[] signature = sign(second, MESSAGE);
    assertThat(verifies(first.publicKey(), MESSAGE, signature)).isFalse();
    assertThat(verifies(second.publicKey(), MESSAGE, signature)).isTrue();
  }

  @Test
  void at_emptyHandle_isEmpty() throws Exception {
    assertThat(TpmPrivateKey.at(tools, 0x810102ff)).isEmpty();
  }

  @Test
  void at_handleHoldingAnAttestationKey_refused() throws Exception {
    tools.attestationKey(Tpm2Tools.DEFAULT_AK_HANDLE, AttestationKeyType.ECC_P256);

    assertThatThrownBy(() -> TpmPrivateKey.at(tools, Tpm2Tools.DEFAULT_AK_HANDLE))
        .isInstanceOf(TpmToolException.class)
        .hasMessageContaining("not a P-256 node key");
  }

  @Test
  void privateKey_hasNoEncodingAndDoesNotSerialize() throws Exception {
    TpmPrivateKey key = TpmPrivateKey.create(tools, B);

    assertThat(key.getEncoded()).isNull();
    assertThat(key.getFormat()).isNull();
    ObjectOutputStream out = new ObjectOutputStream(new ByteArrayOutputStream());
    assertThatThrownBy(() -> out.writeObject(key)).isInstanceOf(NotSerializableException.class);
  }

  @Test
  void provider_leavesSoftwareKeysToTheJdkAndRefusesThem() throws Exception {
    TpmPrivateKey.create(tools, A); // installs the provider
    KeyPair soft = softwareKey();

    Signature s = Signature.getInstance("SHA256withECDSA");
    s.initSign(soft.getPrivate());
    s.update(MESSAGE);
    byte[] signature = s.sign();

    assertThat(s.getProvider().getName()).isNotEqualTo(TpmKeyProvider.NAME);
    assertThat(verifies(soft.getPublic(), MESSAGE, signature)).isTrue();
    Signature tpmOnly =
        Signature.getInstance("SHA256withECDSA", Security.getProvider(TpmKeyProvider.NAME));
    assertThatThrownBy(() -> tpmOnly.initSign(soft.getPrivate()))
        .isInstanceOf(InvalidKeyException.class);
    assertThatThrownBy(() -> tpmOnly.initVerify(soft.getPublic()))
        .isInstanceOf(InvalidKeyException.class);
  }

  @Test
  void sign_tpmGone_failsWithSignatureException() throws Exception {
    Path dir = tmp.resolve("gone");
    TpmPrivateKey key;
    try (SwtpmProcess gone = SwtpmProcess.start(dir, TIMEOUT)) {
      Tpm2Tools t =
          new Tpm2Tools(gone.tcti(), Files.createDirectories(dir.resolve("work")), TIMEOUT);
      key = TpmPrivateKey.create(t, A);
    }

    assertThatThrownBy(() -> sign(key, MESSAGE))
        .isInstanceOf(SignatureException.class)
        .hasMessageContaining("the TPM did not sign");
  }

  @Test
  void nodeKey_deviceHeld_makesACsrTheServerAccepts() throws Exception {
    TpmPrivateKey key = TpmPrivateKey.create(tools, A);

    NodeKey node = NodeKey.of(key.publicKey(), key);
    Csr csr = Csr.parse(node.csr("n1"));

    assertThat(node.deviceHeld()).isTrue();
    assertThat(csr.publicKey().getEncoded()).isEqualTo(key.publicKey().getEncoded());
  }

  @Test
  void nodeKey_of_refusesExportableOrMismatchedKeys() throws Exception {
    TpmPrivateKey key = TpmPrivateKey.create(tools, A);
    KeyPair soft = softwareKey();

    assertThatThrownBy(() -> NodeKey.of((ECPublicKey) soft.getPublic(), soft.getPrivate()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("device-held");
    assertThatThrownBy(() -> NodeKey.of((ECPublicKey) soft.getPublic(), key))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("does not sign for its public key");
  }
}
