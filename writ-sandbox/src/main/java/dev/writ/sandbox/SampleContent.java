package dev.writ.sandbox;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** Content shipped with this module for the quickstart and smoke tests. Stateless; thread-safe. */
public final class SampleContent {

  /** What {@link #helloWasm()} prints to stdout before exiting with status 0. */
  public static final String HELLO_OUTPUT = "hello, writ\n";

  private SampleContent() {}

  /**
   * A 139-byte WASI module whose {@code _start} writes {@link #HELLO_OUTPUT} to stdout and returns.
   * Its source is {@code dev/writ/sandbox/hello.wat} beside it in this module's resources.
   */
  public static byte[] helloWasm() {
    try (InputStream in = SampleContent.class.getResourceAsStream("hello.wasm")) {
      if (in == null) {
        throw new IllegalStateException("hello.wasm is missing from the writ-sandbox jar");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read hello.wasm from the writ-sandbox jar", e);
    }
  }
}
