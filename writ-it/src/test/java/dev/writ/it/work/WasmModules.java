package dev.writ.it.work;

import dev.writ.sandbox.SampleContent;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * WebAssembly modules for the work tests, assembled byte by byte here (WebAssembly core
 * specification 2.0, section 5 "Binary Format"), so that each test's content is visible in the test
 * and needs no toolchain. Each module has one linear memory of one page exported as {@code memory},
 * one function exported as {@code _start}, and a custom section naming the module, which gives
 * every module (and every {@code tag}) its own content id. Stateless and thread-safe.
 */
final class WasmModules {
  private static final byte[] MAGIC_AND_VERSION = {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00};

  private static final int SECTION_CUSTOM = 0;
  private static final int SECTION_TYPE = 1;
  private static final int SECTION_FUNCTION = 3;
  private static final int SECTION_MEMORY = 5;
  private static final int SECTION_EXPORT = 7;
  private static final int SECTION_CODE = 10;

  private static final int OP_UNREACHABLE = 0x00;
  private static final int OP_LOOP = 0x03;
  private static final int OP_IF = 0x04;
  private static final int OP_END = 0x0b;
  private static final int OP_BR = 0x0c;
  private static final int OP_MEMORY_GROW = 0x40;
  private static final int OP_I32_CONST = 0x41;
  private static final int OP_I32_EQ = 0x46;
  private static final int BLOCK_EMPTY = 0x40;

  /** Pages one {@link #growForever} step asks for: 16 MiB, so the 256 MiB limit comes quickly. */
  static final int GROW_STEP_PAGES = 256;

  private WasmModules() {}

  /** hello.wasm with a custom section naming {@code tag}: the same program, its own content id. */
  static byte[] helloTagged(String tag) {
    byte[] hello = SampleContent.helloWasm();
    byte[] name = "writ-it".getBytes(StandardCharsets.US_ASCII);
    byte[] t = tag.getBytes(StandardCharsets.UTF_8);
    int payload = 1 + name.length + t.length;
    if (payload > 127 || name.length > 127) {
      throw new IllegalArgumentException("tag too long for a one-byte section size");
    }
    byte[] out = new byte[hello.length + 2 + payload];
    System.arraycopy(hello, 0, out, 0, hello.length);
    int i = hello.length;
    out[i++] = 0; // custom section
    out[i++] = (byte) payload;
    out[i++] = (byte) name.length;
    System.arraycopy(name, 0, out, i, name.length);
    System.arraycopy(t, 0, out, i + name.length, t.length);
    return out;
  }

  /** {@code (loop $l (br $l))}: only fuel or the wall clock stops it. */
  static byte[] loopForever(String tag) {
    return module(tag, new byte[] {OP_LOOP, BLOCK_EMPTY, OP_BR, 0, OP_END});
  }

  /**
   * Grows its memory by {@link #GROW_STEP_PAGES} pages at a time, forever (no declared maximum),
   * and traps if a grow ever returns -1: only the host's memory limit stops it.
   */
  static byte[] growForever(String tag) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.write(OP_LOOP);
    b.write(BLOCK_EMPTY);
    b.write(OP_I32_CONST);
    b.writeBytes(sleb(GROW_STEP_PAGES));
    b.write(OP_MEMORY_GROW);
    b.write(0); // memory index
    b.write(OP_I32_CONST);
    b.writeBytes(sleb(-1));
    b.write(OP_I32_EQ);
    b.write(OP_IF);
    b.write(BLOCK_EMPTY);
    b.write(OP_UNREACHABLE);
    b.write(OP_END);
    b.write(OP_BR);
    b.write(0);
    b.write(OP_END);
    return module(tag, b.toByteArray());
  }

  /** A module whose {@code _start} body is {@code body} followed by the function's {@code end}. */
  private static byte[] module(String tag, byte[] body) {
    ByteArrayOutputStream m = new ByteArrayOutputStream();
    m.writeBytes(MAGIC_AND_VERSION);
    // one function type: [] -> []
    m.writeBytes(section(SECTION_TYPE, new byte[] {1, 0x60, 0, 0}));
    // one function, of type 0
    m.writeBytes(section(SECTION_FUNCTION, new byte[] {1, 0}));
    // one memory: limits flag 0 (no maximum), minimum 1 page
    m.writeBytes(section(SECTION_MEMORY, new byte[] {1, 0, 1}));
    ByteArrayOutputStream exports = new ByteArrayOutputStream();
    exports.write(2);
    exports.writeBytes(name("memory"));
    exports.write(2); // memory
    exports.write(0);
    exports.writeBytes(name("_start"));
    exports.write(0); // function
    exports.write(0);
    m.writeBytes(section(SECTION_EXPORT, exports.toByteArray()));
    ByteArrayOutputStream code = new ByteArrayOutputStream();
    code.write(0); // no locals
    code.writeBytes(body);
    code.write(OP_END);
    ByteArrayOutputStream codes = new ByteArrayOutputStream();
    codes.write(1);
    codes.writeBytes(uleb(code.size()));
    codes.writeBytes(code.toByteArray());
    m.writeBytes(section(SECTION_CODE, codes.toByteArray()));
    ByteArrayOutputStream custom = new ByteArrayOutputStream();
    custom.writeBytes(name("writ-it"));
    custom.writeBytes(tag.getBytes(StandardCharsets.UTF_8));
    m.writeBytes(section(SECTION_CUSTOM, custom.toByteArray()));
    return m.toByteArray();
  }

  private static byte[] section(int id, byte[] contents) {
    ByteArrayOutputStream s = new ByteArrayOutputStream();
    s.write(id);
    s.writeBytes(uleb(contents.length));
    s.writeBytes(contents);
    return s.toByteArray();
  }

  private static byte[] name(String text) {
    byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream n = new ByteArrayOutputStream();
    n.writeBytes(uleb(utf8.length));
    n.writeBytes(utf8);
    return n.toByteArray();
  }

  /** Unsigned LEB128. */
  private static byte[] uleb(long value) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    long v = value;
    do {
      int low = (int) (v & 0x7f);
      v >>>= 7;
      b.write(v != 0 ? low | 0x80 : low);
    } while (v != 0);
    return b.toByteArray();
  }

  /** Signed LEB128. */
  private static byte[] sleb(long value) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    long v = value;
    while (true) {
      int low = (int) (v & 0x7f);
      v >>= 7;
      boolean done = (v == 0 && (low & 0x40) == 0) || (v == -1 && (low & 0x40) != 0);
      b.write(done ? low : low | 0x80);
      if (done) {
        return b.toByteArray();
      }
    }
  }
}
