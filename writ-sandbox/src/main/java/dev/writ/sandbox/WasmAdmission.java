package dev.writ.sandbox;

import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.Export;
import com.dylibso.chicory.wasm.types.ExternalType;
import com.dylibso.chicory.wasm.types.Import;
import com.dylibso.chicory.wasm.types.MemoryLimits;
import com.dylibso.chicory.wasm.types.MemorySection;
import com.dylibso.chicory.wasm.types.TypeSection;

/**
 * The checks a parsed module passes before it is instantiated, in order; each refusal throws a
 * {@link LimitStop} with its outcome and one-line reason. Stateless.
 */
final class WasmAdmission {

  static final String WASI_MODULE = "wasi_snapshot_preview1";
  static final String ENTRY_POINT = "_start";

  private WasmAdmission() {}

  static void admit(WasmModule module, int hostMaxPages) {
    requireStart(module);
    requireOnlyWasiImports(module);
    refuseGcTypes(module.typeSection());
    checkMemories(module, hostMaxPages);
    checkTables(module);
  }

  private static void requireStart(WasmModule module) {
    var exports = module.exportSection();
    for (int i = 0; i < exports.exportCount(); i++) {
      Export e = exports.getExport(i);
      if (e.name().equals(ENTRY_POINT) && e.exportType() == ExternalType.FUNCTION) {
        return;
      }
    }
    throw new LimitStop(Outcome.FAILED_TO_START, "module exports no _start function");
  }

  private static void requireOnlyWasiImports(WasmModule module) {
    var imports = module.importSection();
    for (int i = 0; i < imports.importCount(); i++) {
      Import im = imports.getImport(i);
      if (!im.module().equals(WASI_MODULE) || im.importType() != ExternalType.FUNCTION) {
        throw new LimitStop(
            Outcome.FAILED_TO_START,
            "module imports "
                + WasmRun.oneLine(im.module())
                + "."
                + WasmRun.oneLine(im.name())
                + " ("
                + im.importType().name().toLowerCase(java.util.Locale.ROOT)
                + "); only "
                + WASI_MODULE
                + " functions are offered");
      }
    }
  }

  private static void refuseGcTypes(TypeSection types) {
    for (int i = 0; i < types.subTypeCount(); i++) {
      if (types.getSubType(i).compType().funcType() == null) {
        throw new LimitStop(
            Outcome.FAILED_TO_START,
            "module declares struct or array types (GC proposal), whose heap the memory limit"
                + " does not bound");
      }
    }
  }

  private static void checkMemories(WasmModule module, int hostMaxPages) {
    int count = module.memorySection().map(MemorySection::memoryCount).orElse(0);
    if (count > 1) {
      throw new LimitStop(
          Outcome.FAILED_TO_START, "module declares " + count + " memories; at most one is run");
    }
    if (count == 0) {
      return;
    }
    MemoryLimits limits = module.memorySection().orElseThrow().getMemory(0).limits();
    if (limits.shared()) {
      throw new LimitStop(
          Outcome.FAILED_TO_START,
          "module declares a shared memory (threads proposal), which is not deterministic");
    }
    if (limits.initialPages() > hostMaxPages) {
      throw new LimitStop(
          Outcome.MEMORY_EXCEEDED,
          "module's initial memory of "
              + limits.initialPages()
              + " pages exceeds the limit of "
              + hostMaxPages
              + " pages ("
              + hostMaxPages * ExecutionLimits.WASM_PAGE_BYTES
              + " bytes)");
    }
  }

  private static void checkTables(WasmModule module) {
    var tables = module.tableSection();
    for (int i = 0; i < tables.tableCount(); i++) {
      long min = tables.getTable(i).limits().min();
      if (min > WasmGuard.MAX_TABLE_ELEMENTS) {
        throw new LimitStop(
            Outcome.MEMORY_EXCEEDED,
            "module's table of "
                + min
                + " elements exceeds the limit of "
                + WasmGuard.MAX_TABLE_ELEMENTS
                + " elements");
      }
    }
  }
}
