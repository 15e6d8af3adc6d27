package dev.writ.sandbox;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Random;

/**
 * The wasm tier's random source: SHA-256 in counter mode over a 32-byte seed, block {@code i} being
 * {@code SHA-256(seed || uint64_be(i))}. The same seed gives the same bytes on every JDK and every
 * host. Not a secret source: the seed travels in the request. Not thread-safe; one per execution.
 */
final class DeterministicRandom extends Random {
  private static final long serialVersionUID = 1L;

  private final byte[] seed;
  private final transient MessageDigest sha256;
  private final byte[] block = new byte[32];
  private long counter;
  private int offset = block.length;

  DeterministicRandom(byte[] seed) {
    super(0L);
    this.seed = seed.clone();
    try {
      this.sha256 = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }

  @Override
  public void nextBytes(byte[] bytes) {
    for (int i = 0; i < bytes.length; i++) {
      bytes[i] = nextByte();
    }
  }

  @Override
  protected int next(int bits) {
    int v = 0;
    for (int i = 0; i < 4; i++) {
      v = (v << 8) | (nextByte() & 0xff);
    }
    return v >>> (32 - bits);
  }

  private byte nextByte() {
    if (offset == block.length) {
      sha256.update(seed);
      sha256.update(ByteBuffer.allocate(Long.BYTES).putLong(counter++).array());
      byte[] d = sha256.digest();
      System.arraycopy(d, 0, block, 0, block.length);
      offset = 0;
    }
    return block[offset++];
  }
}
