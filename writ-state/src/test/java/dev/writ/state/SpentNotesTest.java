package dev.writ.state;

import static org.assertj.core.api.Assertions.assertThat;

import dev.writ.core.SpendLedger.Outcome;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;

class SpentNotesTest {

  @Test
  void advanceTo_pastRetainUntil_prunesOnlyExpiredNotes() {
    SpentNotes n = new SpentNotes();
    assertThat(n.spend(Fixtures.id(1), 100)).isEqualTo(Outcome.SPENT_NOW);
    assertThat(n.spend(Fixtures.id(2), 200)).isEqualTo(Outcome.SPENT_NOW);
    n.advanceTo(100);
    assertThat(n.size()).isEqualTo(2);
    n.advanceTo(101);
    assertThat(n.contains(Fixtures.id(1))).isFalse();
    assertThat(n.contains(Fixtures.id(2))).isTrue();
  }

  @Test
  void advanceTo_earlierTime_neverMovesLogTimeBack() {
    SpentNotes n = new SpentNotes();
    n.advanceTo(500);
    n.advanceTo(10);
    assertThat(n.logTime()).isEqualTo(500);
  }

  @Test
  void snapshot_roundTrips() throws IOException {
    SpentNotes n = new SpentNotes();
    n.spend(Fixtures.id(2), 200);
    n.spend(Fixtures.id(1), 100);
    n.advanceTo(42);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    SnapshotFormat.write(out, n.logTime(), n.sortedById(), List.of());
    SnapshotFormat.Loaded loaded = SnapshotFormat.read(new ByteArrayInputStream(out.toByteArray()));
    assertThat(loaded.logTime()).isEqualTo(42);
    assertThat(loaded.notes()).isEqualTo(n.sortedById());
  }

  @Test
  void snapshot_truncated_failsToLoad() {
    String s =
        """
        {"entries":2,"format":"writ-state/spent-notes","log_time":1,"v":1}
        {"id":"00000000000000000000000000000001","retain_until":5}
        """;
    Assertions.assertThatThrownBy(
            () -> SnapshotFormat.read(new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8))))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("ends after 1 of 2");
  }
}
