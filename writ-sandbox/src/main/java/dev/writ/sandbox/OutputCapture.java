package dev.writ.sandbox;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The stdout and stderr sinks of one execution: every byte is counted and hashed, and bytes are
 * kept while the two streams together stay under the output cap. Thread-safe: each stream
 * synchronizes on the shared capture, so the process tier's two pump threads may write at once.
 */
final class OutputCapture {
  private final long cap;
  private long kept;
  private final Sink stdout = new Sink();
  private final Sink stderr = new Sink();

  OutputCapture(long cap) {
    this.cap = cap;
  }

  OutputStream stdout() {
    return stdout;
  }

  OutputStream stderr() {
    return stderr;
  }

  synchronized CapturedOutput stdoutResult() {
    return stdout.result();
  }

  synchronized CapturedOutput stderrResult() {
    return stderr.result();
  }

  private final class Sink extends OutputStream {
    private final MessageDigest sha256 = newSha256();
    private final ByteArrayOutputStream head = new ByteArrayOutputStream();
    private long total;

    @Override
    public void write(int b) {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) {
      synchronized (OutputCapture.this) {
        sha256.update(b, off, len);
        total += len;
        int keep = (int) Math.min(len, cap - kept);
        if (keep > 0) {
          head.write(b, off, keep);
          kept += keep;
        }
      }
    }

    CapturedOutput result() {
      MessageDigest copy;
      try {
        copy = (MessageDigest) sha256.clone();
      } catch (CloneNotSupportedException e) {
        throw new IllegalStateException("SHA-256 digest cannot be cloned", e);
      }
      return new CapturedOutput(
          total, "sha256:" + HexFormat.of().formatHex(copy.digest()), head.toByteArray());
    }
  }

  private static MessageDigest newSha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }
}
