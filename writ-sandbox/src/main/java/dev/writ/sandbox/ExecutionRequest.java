package dev.writ.sandbox;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One execution to run: the installed content (a file the caller has already checked against the
 * writ's content hash), a fresh private work directory, arguments, stdin, limits, and the
 * determinism seed of the wasm tier. Immutable and thread-safe; byte arrays are copied in and out.
 *
 * <p>Built with {@link #builder(Path, Path)}. Deny by default: a wasm program sees no directory
 * unless {@link Builder#preopenWorkDir(boolean)} maps the work directory.
 */
public final class ExecutionRequest {

  /** Most stdin accepted: 16 MiB (it is held in memory). */
  public static final int MAX_STDIN_BYTES = 16 << 20;

  /** Most arguments accepted: 1024. */
  public static final int MAX_ARGS = 1024;

  /** Most bytes of all arguments together: 128 KiB (Linux's per-string MAX_ARG_STRLEN). */
  public static final int MAX_ARG_BYTES = 128 << 10;

  /** Length of the wasm determinism seed: 32 bytes. */
  public static final int SEED_BYTES = 32;

  /** The guest path at which the wasm tier maps the work directory when asked to. */
  public static final String WASM_WORK_DIR = "/work";

  private final Path content;
  private final Path workDir;
  private final List<String> args;
  private final byte[] stdin;
  private final ExecutionLimits limits;
  private final byte[] seed;
  private final boolean preopenWorkDir;

  private ExecutionRequest(Builder b) {
    this.content = b.content;
    this.workDir = b.workDir;
    this.args = List.copyOf(b.args);
    this.stdin = b.stdin.clone();
    this.limits = b.limits;
    this.seed = b.seed.clone();
    this.preopenWorkDir = b.preopenWorkDir;
  }

  /** A builder for running {@code content} with {@code workDir} as its private directory. */
  public static Builder builder(Path content, Path workDir) {
    return new Builder(content, workDir);
  }

  /** The installed content file (hash-verified by the caller). */
  public Path content() {
    return content;
  }

  /** The fresh, empty, private work directory. */
  public Path workDir() {
    return workDir;
  }

  /** The program's arguments (not including its name). */
  public List<String> args() {
    return args;
  }

  /** A copy of the stdin bytes. */
  public byte[] stdin() {
    return stdin.clone();
  }

  /** The limits. */
  public ExecutionLimits limits() {
    return limits;
  }

  /** A copy of the 32-byte seed of the wasm tier's random source. */
  public byte[] seed() {
    return seed.clone();
  }

  /** Whether the wasm tier maps the work directory at {@link #WASM_WORK_DIR}. */
  public boolean preopenWorkDir() {
    return preopenWorkDir;
  }

  /** Builder of {@link ExecutionRequest}; not thread-safe. */
  public static final class Builder {
    private final Path content;
    private final Path workDir;
    private List<String> args = List.of();
    private byte[] stdin = new byte[0];
    private ExecutionLimits limits = ExecutionLimits.defaults();
    private byte[] seed = new byte[SEED_BYTES];
    private boolean preopenWorkDir;

    private Builder(Path content, Path workDir) {
      this.content = Objects.requireNonNull(content, "content");
      this.workDir = Objects.requireNonNull(workDir, "workDir");
    }

    /** The arguments; at most {@link #MAX_ARGS}, {@link #MAX_ARG_BYTES} in UTF-8, no NUL. */
    public Builder args(List<String> value) {
      List<String> copy = new ArrayList<>(value.size());
      long bytes = 0;
      for (String a : value) {
        Objects.requireNonNull(a, "argument");
        if (a.indexOf('\0') >= 0) {
          throw new IllegalArgumentException("an argument contains a NUL character");
        }
        bytes += a.getBytes(java.nio.charset.StandardCharsets.UTF_8).length + 1L;
        copy.add(a);
      }
      if (copy.size() > MAX_ARGS) {
        throw new IllegalArgumentException(
            "at most " + MAX_ARGS + " arguments, got " + copy.size());
      }
      if (bytes > MAX_ARG_BYTES) {
        throw new IllegalArgumentException(
            "arguments are " + bytes + " bytes, above the " + MAX_ARG_BYTES + "-byte limit");
      }
      this.args = copy;
      return this;
    }

    /** The stdin bytes; at most {@link #MAX_STDIN_BYTES}. */
    public Builder stdin(byte[] value) {
      if (value.length > MAX_STDIN_BYTES) {
        throw new IllegalArgumentException(
            "stdin is " + value.length + " bytes, above the " + MAX_STDIN_BYTES + "-byte limit");
      }
      this.stdin = value.clone();
      return this;
    }

    /** The limits (default {@link ExecutionLimits#defaults()}). */
    public Builder limits(ExecutionLimits value) {
      this.limits = Objects.requireNonNull(value, "limits");
      return this;
    }

    /**
     * The wasm tier's 32-byte random seed (default all zero). The agent derives it from the writ id
     * so that a re-execution by a verifier sees the same random bytes.
     */
    public Builder seed(byte[] value) {
      if (value.length != SEED_BYTES) {
        throw new IllegalArgumentException(
            "seed must be " + SEED_BYTES + " bytes, got " + value.length);
      }
      this.seed = value.clone();
      return this;
    }

    /** Whether the wasm tier maps the work directory read-write at {@link #WASM_WORK_DIR}. */
    public Builder preopenWorkDir(boolean value) {
      this.preopenWorkDir = value;
      return this;
    }

    /** The request. */
    public ExecutionRequest build() {
      return new ExecutionRequest(this);
    }
  }
}
