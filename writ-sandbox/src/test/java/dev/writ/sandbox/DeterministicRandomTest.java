package dev.writ.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class DeterministicRandomTest {

  @Test
  void nextBytes_isSha256OfSeedAndBigEndianCounter() throws Exception {
    byte[] seed = new byte[32];
    Arrays.fill(seed, (byte) 7);
    byte[] out = new byte[40];

    new DeterministicRandom(seed).nextBytes(out);

    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    sha.update(seed);
    byte[] block0 = sha.digest(ByteBuffer.allocate(8).putLong(0).array());
    sha.update(seed);
    byte[] block1 = sha.digest(ByteBuffer.allocate(8).putLong(1).array());
    assertThat(Arrays.copyOfRange(out, 0, 32)).isEqualTo(block0);
    assertThat(Arrays.copyOfRange(out, 32, 40)).isEqualTo(Arrays.copyOf(block1, 8));
  }

  @Test
  void nextInt_isTheSameForTheSameSeedAndDiffersForAnother() {
    byte[] a = new byte[32];
    byte[] b = new byte[32];
    b[31] = 1;

    int[] first = new DeterministicRandom(a).ints(8).toArray();
    int[] again = new DeterministicRandom(a).ints(8).toArray();
    int[] other = new DeterministicRandom(b).ints(8).toArray();

    assertThat(again).isEqualTo(first);
    assertThat(other).isNotEqualTo(first);
  }
}
