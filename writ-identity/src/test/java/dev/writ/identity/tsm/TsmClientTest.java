package dev.writ.identity.tsm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.random.RandomGenerator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shared configfs-tsm exchange on directories laid out like configfs entries; the collectors'
 * own tests cover their providers' parameters.
 */
class TsmClientTest {
  private static final int MAX_BLOB = 16;

  /** Names every entry {@code writ-0000000000000007}. */
  private static final RandomGenerator SEVEN = () -> 7L;

  private static final TsmClient WITH_AUX =
      new TsmClient("fake_guest", "FAKE", "a FAKE guest", MAX_BLOB, true);
  private static final TsmClient WITHOUT_AUX =
      new TsmClient("fake_guest", "FAKE", "a FAKE guest", MAX_BLOB, false);

  @TempDir Path tmp;

  @Test
  void exchange_withAuxblob_returnsOutblobAndAuxblob() throws IOException {
    Path entry = entry("fake_guest\n", "1\n", new byte[] {1, 2}, new byte[] {3});

    TsmClient.Blobs blobs = WITH_AUX.exchange(entry, new byte[] {9, 8});

    assertThat(Files.readAllBytes(entry.resolve("inblob"))).containsExactly(9, 8);
    assertThat(blobs.outblob()).containsExactly(1, 2);
    assertThat(blobs.auxblob()).containsExactly(3);
  }

  @Test
  void exchange_withoutAuxblob_leavesAuxblobUnreadAndEmpty() throws IOException {
    Path entry = entry("fake_guest\n", "1\n", new byte[] {1, 2}, new byte[] {3});
    Files.delete(entry.resolve("auxblob"));

    TsmClient.Blobs blobs = WITHOUT_AUX.exchange(entry, new byte[] {9});

    assertThat(blobs.outblob()).containsExactly(1, 2);
    assertThat(blobs.auxblob()).isEmpty();
  }

  @Test
  void exchange_auxblobMissing_failsSayingNotAGuest() throws IOException {
    Path entry = entry("fake_guest\n", "1\n", new byte[] {1}, new byte[0]);
    Files.delete(entry.resolve("auxblob"));

    assertThatThrownBy(() -> WITH_AUX.exchange(entry, new byte[] {9}))
        .isInstanceOf(IOException.class)
        .hasMessage(
            "FAKE evidence unavailable: "
                + entry.resolve("auxblob")
                + " does not exist (not a FAKE guest)");
  }

  @Test
  void exchange_blobsAtTheLimit_areReturned() throws IOException {
    Path entry = entry("fake_guest\n", "1\n", new byte[MAX_BLOB], new byte[MAX_BLOB]);

    TsmClient.Blobs blobs = WITH_AUX.exchange(entry, new byte[] {9});

    assertThat(blobs.outblob()).hasSize(MAX_BLOB);
    assertThat(blobs.auxblob()).hasSize(MAX_BLOB);
  }

  @Test
  void exchange_auxblobPastTheLimit_failsNamingTheLimit() throws IOException {
    Path entry = entry("fake_guest\n", "1\n", new byte[1], new byte[MAX_BLOB + 1]);

    assertThatThrownBy(() -> WITH_AUX.exchange(entry, new byte[] {9}))
        .isInstanceOf(IOException.class)
        .hasMessage(
            "FAKE evidence unavailable: "
                + entry.resolve("auxblob")
                + " is larger than "
                + MAX_BLOB
                + " bytes");
  }

  @Test
  void exchange_emptyOutblob_failsClosed() throws IOException {
    Path entry = entry("fake_guest\n", "1\n", new byte[0], new byte[0]);

    assertThatThrownBy(() -> WITH_AUX.exchange(entry, new byte[] {9}))
        .isInstanceOf(IOException.class)
        .hasMessage("FAKE evidence unavailable: " + entry.resolve("outblob") + " is empty");
  }

  @Test
  void exchange_outblobUnreadable_failsSayingTheKernelRefused() throws IOException {
    Path entry = entry("fake_guest\n", "1\n", new byte[0], new byte[0]);
    Files.delete(entry.resolve("outblob"));
    Files.createDirectory(entry.resolve("outblob")); // reading a directory fails like EIO would

    assertThatThrownBy(() -> WITH_AUX.exchange(entry, new byte[] {9}))
        .isInstanceOf(IOException.class)
        .hasMessageStartingWith(
            "FAKE evidence unavailable: the kernel refused " + entry.resolve("outblob") + ": ")
        .hasCauseInstanceOf(IOException.class);
  }

  @Test
  void exchange_inblobMissing_failsSayingNotAGuest() throws IOException {
    Path entry = entry("fake_guest\n", "1\n", new byte[] {1}, new byte[0]);
    Files.delete(entry.resolve("inblob"));

    assertThatThrownBy(() -> WITH_AUX.exchange(entry, new byte[] {9}))
        .isInstanceOf(IOException.class)
        .hasMessage(
            "FAKE evidence unavailable: "
                + entry.resolve("inblob")
                + " does not exist (not a FAKE guest)");
    assertThat(entry.resolve("inblob")).doesNotExist();
  }

  @Test
  void exchange_otherProvider_failsBeforeWritingInblob() throws IOException {
    Path entry = entry("other_guest\n", "1\n", new byte[] {1}, new byte[0]);

    assertThatThrownBy(() -> WITH_AUX.exchange(entry, new byte[] {9}))
        .isInstanceOf(IOException.class)
        .hasMessage(
            "FAKE evidence unavailable: the configfs-tsm provider is other_guest, not fake_guest"
                + " (not a FAKE guest)");
    assertThat(Files.readAllBytes(entry.resolve("inblob"))).isEmpty();
  }

  @Test
  void exchange_providerPastTheAttributeLimit_failsClosed() throws IOException {
    Path entry = entry("fake_guest" + " ".repeat(60), "1\n", new byte[] {1}, new byte[0]);

    assertThatThrownBy(() -> WITH_AUX.exchange(entry, new byte[] {9}))
        .isInstanceOf(IOException.class)
        .hasMessage(
            "FAKE evidence unavailable: " + entry.resolve("provider") + " is larger than 64 bytes");
  }

  @Test
  void exchange_generationNotOne_failsSayingAnotherWriter() throws IOException {
    Path entry = entry("fake_guest\n", "0\n", new byte[] {1}, new byte[0]);

    assertThatThrownBy(() -> WITH_AUX.exchange(entry, new byte[] {9}))
        .isInstanceOf(IOException.class)
        .hasMessage(
            "FAKE evidence unavailable: configfs-tsm entry "
                + entry
                + " was written by another process during the exchange (generation 0, expected"
                + " 1)");
  }

  @Test
  void exchange_inblobEmptyOrPast64Bytes_isACallerBug() throws IOException {
    Path entry = entry("fake_guest\n", "1\n", new byte[] {1}, new byte[0]);

    assertThatThrownBy(() -> WITH_AUX.exchange(entry, new byte[0]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("inblob is 1 to 64 bytes, got 0");
    assertThatThrownBy(() -> WITH_AUX.exchange(entry, new byte[TsmClient.MAX_INBLOB + 1]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("inblob is 1 to 64 bytes, got 65");
    assertThat(Files.readAllBytes(entry.resolve("inblob"))).isEmpty();
  }

  @Test
  void collect_inblobPast64Bytes_createsNoEntry() throws IOException {
    assertThatThrownBy(() -> WITH_AUX.collect(tmp, SEVEN, new byte[65]))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(entries(tmp)).isEmpty();
  }

  @Test
  void collect_noReportDirectory_failsSayingNotAGuest() {
    Path missing = tmp.resolve("report");

    assertThatThrownBy(() -> WITH_AUX.collect(missing, SEVEN, new byte[] {9}))
        .isInstanceOf(IOException.class)
        .hasMessage("FAKE evidence unavailable: " + missing + " not present (not a FAKE guest)");
  }

  @Test
  void collect_entryNameTaken_failsAndLeavesTheOtherEntry() throws IOException {
    Path taken = Files.createDirectory(tmp.resolve("writ-0000000000000007"));

    assertThatThrownBy(() -> WITH_AUX.collect(tmp, SEVEN, new byte[] {9}))
        .isInstanceOf(IOException.class)
        .hasMessageStartingWith("FAKE evidence unavailable: cannot create " + taken + ": ");
    assertThat(taken).isDirectory();
  }

  @Test
  void collect_exchangeFails_removesItsEntry() throws IOException {
    // a plain directory: mkdir makes no attribute files, so provider cannot be read
    assertThatThrownBy(() -> WITH_AUX.collect(tmp, SEVEN, new byte[] {9}))
        .isInstanceOf(IOException.class)
        .hasMessage(
            "FAKE evidence unavailable: "
                + tmp.resolve("writ-0000000000000007/provider")
                + " does not exist (not a FAKE guest)");
    assertThat(entries(tmp)).isEmpty();
  }

  @Test
  void blobs_areCopiedInAndOut() {
    byte[] out = {1};
    TsmClient.Blobs blobs = new TsmClient.Blobs(out, new byte[] {2});
    out[0] = 9;
    blobs.outblob()[0] = 9;
    blobs.auxblob()[0] = 9;

    assertThat(blobs.outblob()).containsExactly(1);
    assertThat(blobs.auxblob()).containsExactly(2);
  }

  @Test
  void constructor_nonPositiveLimit_isRejected() {
    assertThatThrownBy(() -> new TsmClient("fake_guest", "FAKE", "a FAKE guest", 0, true))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxBlob must be positive, got 0");
  }

  /** A directory laid out like a configfs-tsm report entry. */
  private Path entry(String provider, String generation, byte[] outblob, byte[] auxblob)
      throws IOException {
    Path entry = Files.createDirectories(tmp.resolve("entry"));
    Files.writeString(entry.resolve("provider"), provider, StandardCharsets.US_ASCII);
    Files.writeString(entry.resolve("generation"), generation, StandardCharsets.US_ASCII);
    Files.write(entry.resolve("inblob"), new byte[0]);
    Files.write(entry.resolve("outblob"), outblob);
    Files.write(entry.resolve("auxblob"), auxblob);
    return entry;
  }

  private static List<Path> entries(Path dir) throws IOException {
    try (Stream<Path> list = Files.list(dir)) {
      return list.toList();
    }
  }
}
