package dev.writ.agent;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OutboxTest {
  @TempDir Path dir;

  private static final String A = "a".repeat(64);
  private static final String B = "b".repeat(64);

  @Test
  void put_survivesReopening_untilRemoved() throws Exception {
    Outbox box = Outbox.open(dir.resolve("outbox"));
    box.put(B, "{\"b\":1}".getBytes(UTF_8));
    box.put(A, "{\"a\":1}".getBytes(UTF_8));

    Outbox again = Outbox.open(dir.resolve("outbox"));
    assertThat(again.entries()).extracting(Outbox.Entry::name).containsExactly(A, B);
    assertThat(new String(again.entries().get(0).body(), UTF_8)).isEqualTo("{\"a\":1}");
    assertThat(again.contains(A)).isTrue();

    again.remove(again.entries().get(0));
    assertThat(Outbox.open(dir.resolve("outbox")).entries())
        .extracting(Outbox.Entry::name)
        .containsExactly(B);
  }

  @Test
  void entries_ignoreFilesThatAreNotResults_andNamesAreChecked() throws Exception {
    Outbox box = Outbox.open(dir.resolve("outbox"));
    Files.writeString(dir.resolve("outbox").resolve("notes.json"), "{}");
    Files.writeString(dir.resolve("outbox").resolve("." + A + ".json-1.tmp"), "{}");
    assertThat(box.entries()).isEmpty();
    assertThatThrownBy(() -> box.put("../x", new byte[1]))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
