package dev.writ.bench;

import java.io.IOException;

/**
 * One client thread's way to post an envelope to {@code POST /v1/writs} on one of the load's URLs
 * and read the whole answer. Not thread-safe: one per client thread.
 */
interface Submitter extends AutoCloseable {
  /** The status and body of one answer; the body array is handed over, not copied. */
  final class Answer {
    private final int status;
    private final byte[] body;

    Answer(int status, byte[] body) {
      this.status = status;
      this.body = body;
    }

    int status() {
      return status;
    }

    /** The body as read; callers only read it. */
    byte[] body() {
      return body;
    }
  }

  /**
   * Posts {@code envelope} to URL number {@code url} and waits for the whole answer.
   *
   * @throws IOException if no complete HTTP answer arrived; the next call reconnects
   */
  Answer post(int url, byte[] envelope) throws IOException, InterruptedException;

  @Override
  void close();
}
