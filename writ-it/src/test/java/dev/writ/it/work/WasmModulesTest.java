package dev.writ.it.work;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.writ.core.ContentId;
import dev.writ.core.Tier;
import dev.writ.sandbox.ExecutionLimits;
import dev.writ.sandbox.ExecutionRequest;
import dev.writ.sandbox.ExecutionResult;
import dev.writ.sandbox.Outcome;
import dev.writ.sandbox.SampleContent;
import dev.writ.sandbox.Sandboxes;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hand-assembled modules of {@link WasmModules} do what the end-to-end tests rely on, checked
 * in-process in the wasm tier with small limits, so a wrong byte shows up here and not as a slow
 * end-to-end failure.
 */
class WasmModulesTest {
  @TempDir Path dir;

  private ExecutionResult run(byte[] module, ExecutionLimits limits) throws Exception {
    Path content = Files.write(dir.resolve("m.wasm"), module);
    Path work = Files.createDirectory(dir.resolve("work"));
    return Sandboxes.forHost()
        .require(Tier.WASM, Tier.PROCESS)
        .run(ExecutionRequest.builder(content, work).limits(limits).build());
  }

  @Test
  void loopForever_isStoppedByFuel() throws Exception {
    ExecutionResult r =
        run(WasmModules.loopForever("t"), ExecutionLimits.defaults().withFuel(1000));

    assertThat(r.outcome()).as(r.reason()).isEqualTo(Outcome.FUEL_EXHAUSTED);
    assertThat(r.usage().instructions()).hasValue(1000);
  }

  @Test
  void growForever_isStoppedAtTheMemoryLimit() throws Exception {
    int pages = 4 * WasmModules.GROW_STEP_PAGES;
    ExecutionResult r =
        run(
            WasmModules.growForever("t"),
            ExecutionLimits.defaults().withMemoryBytes(pages * ExecutionLimits.WASM_PAGE_BYTES));

    assertThat(r.outcome()).as(r.reason()).isEqualTo(Outcome.MEMORY_EXCEEDED);
    assertThat(r.reason())
        .startsWith("memory.grow to " + (3 * WasmModules.GROW_STEP_PAGES + 1 + 256) + " pages");
  }

  @Test
  void helloTagged_stillPrintsHello() throws Exception {
    ExecutionResult r = run(WasmModules.helloTagged("t"), ExecutionLimits.defaults());

    assertThat(r.outcome()).as(r.reason()).isEqualTo(Outcome.EXITED);
    assertThat(r.stdout().head()).isEqualTo(SampleContent.HELLO_OUTPUT.getBytes(UTF_8));
  }

  @Test
  void tags_giveOneProgramDifferentContentIds() {
    assertThat(ContentId.of(WasmModules.loopForever("a")))
        .isNotEqualTo(ContentId.of(WasmModules.loopForever("b")));
    assertThat(ContentId.of(WasmModules.helloTagged("a")))
        .isNotEqualTo(ContentId.of(WasmModules.helloTagged("b")))
        .isNotEqualTo(ContentId.of(SampleContent.helloWasm()));
  }
}
