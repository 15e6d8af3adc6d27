package dev.writ.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.writ.log.LogAuditException.Kind;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The tlog-tiles entry bundle encoding: big-endian uint16 length, then the entry, repeated. */
class EntryBundlesTest {
  @Test
  void encode_twoEntries_prefixesEachWithBigEndianLength() {
    byte[] bundle = EntryBundles.encode(List.of(new byte[] {'a'}, new byte[300]));
    assertThat(bundle).hasSize(2 + 1 + 2 + 300);
    assertThat(bundle).startsWith(0, 1, 'a', 1, 44);
  }

  @Test
  void encode_emptyEntry_isJustItsLength() {
    assertThat(EntryBundles.encode(List.of(new byte[0]))).containsExactly(0, 0);
  }

  @Test
  void encode_entryOverUint16_isRefused() {
    assertThatThrownBy(() -> EntryBundles.encode(List.of(new byte[LogLimits.MAX_ENTRY_BYTES + 1])))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void decode_roundTripsAMaximalEntry() throws LogAuditException {
    byte[] big = new byte[LogLimits.MAX_ENTRY_BYTES];
    big[big.length - 1] = 7;
    List<byte[]> out =
        EntryBundles.decode(new Tile(0, 0, 2), EntryBundles.encode(List.of(big, big)));
    assertThat(out).hasSize(2);
    assertThat(out.get(1)).isEqualTo(big);
  }

  @Test
  void decode_trailingBytes_failsWithTamperedEntryAtTheLastEntry() {
    byte[] bundle = {0, 1, 'a', 0, 1, 'b', 9};
    assertThatThrownBy(() -> EntryBundles.decode(new Tile(0, 3, 2), bundle))
        .isInstanceOfSatisfying(
            LogAuditException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(Kind.TAMPERED_ENTRY);
              assertThat(e.index()).hasValue(3L * 256 + 1);
            });
  }

  @Test
  void decode_lengthPastTheEnd_failsWithTamperedEntryAtThatEntry() {
    byte[] bundle = {0, 1, 'a', 0, 9, 'b'};
    assertThatThrownBy(() -> EntryBundles.decode(new Tile(0, 3, 2), bundle))
        .isInstanceOfSatisfying(
            LogAuditException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(Kind.TAMPERED_ENTRY);
              assertThat(e.index()).hasValue(3L * 256 + 1);
              assertThat(e.path()).contains("tile/entries/003.p/2");
            });
  }
}
