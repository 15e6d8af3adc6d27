package dev.writ.core.content;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.writ.core.ContentId;
import dev.writ.core.Limits;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ContentStoreTest {
  private static final byte[] HELLO = "hello, fleet\n".getBytes(UTF_8);
  private static final ContentId HELLO_ID = ContentId.of(HELLO);

  @TempDir Path dir;

  private ContentStore store() throws IOException {
    return ContentStore.open(dir.resolve("content"));
  }

  @Test
  void put_thenRead_returnsTheBytesUnderTheDocumentedPath() throws Exception {
    ContentStore store = store();

    Stored stored = store.putBytes(HELLO, HELLO_ID);

    assertThat(stored).isEqualTo(new Stored(HELLO_ID, HELLO.length, true));
    assertThat(store.read(HELLO_ID)).isEqualTo(HELLO);
    Path expected =
        dir.resolve("content/sha256/a9/")
            .resolve("a963e87ae48c91da3ea9c3399321d0354d3289ecc12c9ef18bd1df2354b114a2");
    assertThat(Files.readAllBytes(expected)).isEqualTo(HELLO);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(expected)))
        .isEqualTo("r--r--r--");
    assertThat(store.contains(HELLO_ID)).isTrue();
  }

  @Test
  void put_sameBytesTwice_isIdempotentAndSaysNotCreated() throws Exception {
    ContentStore store = store();
    store.putBytes(HELLO, HELLO_ID);

    Stored again = store.putBytes(HELLO, HELLO_ID);

    assertThat(again.created()).isFalse();
    assertThat(store.read(HELLO_ID)).isEqualTo(HELLO);
    assertThat(tempFiles()).isEmpty();
  }

  @Test
  void put_emptyContent_isStoredUnderTheEmptyHash() throws Exception {
    ContentStore store = store();
    ContentId empty = ContentId.of(new byte[0]);

    assertThat(store.putBytes(new byte[0], empty).size()).isZero();
    assertThat(store.read(empty)).isEmpty();
  }

  @Test
  void put_bytesOfAnotherId_throwsMismatchAndStoresNothing() throws Exception {
    ContentStore store = store();
    ContentId other = ContentId.of("other".getBytes(UTF_8));

    assertThatThrownBy(() -> store.putBytes(HELLO, other))
        .isInstanceOfSatisfying(
            ContentException.class,
            e -> {
              assertThat(e.failure()).isEqualTo(ContentFailure.MISMATCH);
              assertThat(e.id()).isEqualTo(other.toString());
              assertThat(e.detail()).contains(HELLO_ID.toString());
            });
    assertThat(store.contains(other)).isFalse();
    assertThat(store.contains(HELLO_ID)).isFalse();
    assertThat(tempFiles()).isEmpty();
  }

  @Test
  void put_overTheLimit_throwsOversizeAndStoresNothing() throws Exception {
    ContentStore store = ContentStore.open(dir.resolve("small"), 12);
    byte[] thirteen = HELLO;

    assertThatThrownBy(() -> store.putBytes(thirteen, HELLO_ID))
        .isInstanceOfSatisfying(
            ContentException.class,
            e -> assertThat(e.failure()).isEqualTo(ContentFailure.OVERSIZE));
    assertThat(store.contains(HELLO_ID)).isFalse();
    try (Stream<Path> s = Files.list(dir.resolve("small/tmp"))) {
      assertThat(s).isEmpty();
    }
  }

  @Test
  void put_overTheLimit_stopsReadingSoonAfterTheLimit() throws Exception {
    ContentStore store = ContentStore.open(dir.resolve("small"), 1024);
    CountingEndlessStream endless = new CountingEndlessStream();

    assertThatThrownBy(() -> store.put(endless, HELLO_ID))
        .isInstanceOfSatisfying(
            ContentException.class,
            e -> assertThat(e.failure()).isEqualTo(ContentFailure.OVERSIZE));
    assertThat(endless.served).isLessThanOrEqualTo(1024 + 64 * 1024);
  }

  @Test
  void put_exactlyAtTheLimit_isStored() throws Exception {
    ContentStore store = ContentStore.open(dir.resolve("small"), HELLO.length);

    assertThat(store.putBytes(HELLO, HELLO_ID).created()).isTrue();
  }

  @Test
  void read_unknownId_throwsUnknown() throws Exception {
    ContentStore store = store();

    assertThatThrownBy(() -> store.read(HELLO_ID))
        .isInstanceOfSatisfying(
            ContentException.class, e -> assertThat(e.failure()).isEqualTo(ContentFailure.UNKNOWN));
    assertThatThrownBy(() -> store.install(HELLO_ID))
        .isInstanceOfSatisfying(
            ContentException.class, e -> assertThat(e.failure()).isEqualTo(ContentFailure.UNKNOWN));
  }

  @Test
  void read_fileChangedOnDisk_throwsCorruptMovesItAsideAndNeverReturnsTheBytes() throws Exception {
    ContentStore store = store();
    store.putBytes(HELLO, HELLO_ID);
    Path file = store.path(HELLO_ID);
    overwrite(file, "hello, fleeT\n".getBytes(UTF_8));

    assertThatThrownBy(() -> store.read(HELLO_ID))
        .isInstanceOfSatisfying(
            ContentException.class, e -> assertThat(e.failure()).isEqualTo(ContentFailure.CORRUPT));
    assertThat(store.contains(HELLO_ID)).isFalse();
    try (Stream<Path> aside = Files.list(dir.resolve("content/corrupt"))) {
      assertThat(aside).hasSize(1);
    }
    assertThatThrownBy(() -> store.read(HELLO_ID))
        .isInstanceOfSatisfying(
            ContentException.class, e -> assertThat(e.failure()).isEqualTo(ContentFailure.UNKNOWN));
  }

  @Test
  void read_truncatedFile_throwsCorrupt() throws Exception {
    ContentStore store = store();
    store.putBytes(HELLO, HELLO_ID);
    overwrite(store.path(HELLO_ID), new byte[0]);

    assertThatThrownBy(() -> store.read(HELLO_ID))
        .isInstanceOfSatisfying(
            ContentException.class, e -> assertThat(e.failure()).isEqualTo(ContentFailure.CORRUPT));
  }

  @Test
  void read_fileLongerThanTheLimit_throwsCorrupt() throws Exception {
    ContentStore store = ContentStore.open(dir.resolve("small"), HELLO.length);
    store.putBytes(HELLO, HELLO_ID);
    byte[] longer = new byte[HELLO.length + 1];
    overwrite(store.path(HELLO_ID), longer);

    assertThatThrownBy(() -> store.read(HELLO_ID))
        .isInstanceOfSatisfying(
            ContentException.class, e -> assertThat(e.failure()).isEqualTo(ContentFailure.CORRUPT));
  }

  @Test
  void read_symlinkUnderTheId_isRefusedEvenIfItsTargetHashesRight() throws Exception {
    ContentStore store = store();
    Path elsewhere = Files.write(dir.resolve("elsewhere"), HELLO);
    Path file = store.path(HELLO_ID);
    Files.createDirectories(file.getParent());
    Files.createSymbolicLink(file, elsewhere);

    assertThatThrownBy(() -> store.read(HELLO_ID))
        .isInstanceOfSatisfying(
            ContentException.class, e -> assertThat(e.failure()).isEqualTo(ContentFailure.CORRUPT));
    assertThat(Files.exists(file, java.nio.file.LinkOption.NOFOLLOW_LINKS)).isFalse();
    assertThat(Files.readAllBytes(elsewhere)).isEqualTo(HELLO);
  }

  @Test
  void put_afterCorruption_replacesTheCorruptFile() throws Exception {
    ContentStore store = store();
    store.putBytes(HELLO, HELLO_ID);
    overwrite(store.path(HELLO_ID), "garbage".getBytes(UTF_8));

    Stored healed = store.putBytes(HELLO, HELLO_ID);

    assertThat(healed.created()).isTrue();
    assertThat(store.read(HELLO_ID)).isEqualTo(HELLO);
  }

  @Test
  void install_returnsTheVerifiedReadOnlyFile() throws Exception {
    ContentStore store = store();
    store.putBytes(HELLO, HELLO_ID);

    Path installed = store.install(HELLO_ID);

    assertThat(Files.readAllBytes(installed)).isEqualTo(HELLO);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(installed)))
        .isEqualTo("r--r--r--");
    assertThat(installed).isEqualTo(store.path(HELLO_ID));
  }

  @Test
  void install_corruptedFile_throwsCorruptAndReturnsNoPath() throws Exception {
    ContentStore store = store();
    store.putBytes(HELLO, HELLO_ID);
    overwrite(store.path(HELLO_ID), "hellO, fleet\n".getBytes(UTF_8));

    assertThatThrownBy(() -> store.install(HELLO_ID))
        .isInstanceOfSatisfying(
            ContentException.class, e -> assertThat(e.failure()).isEqualTo(ContentFailure.CORRUPT));
    assertThat(store.contains(HELLO_ID)).isFalse();
  }

  @Test
  void open_deletesTemporaryFilesACrashLeftBehind() throws Exception {
    store();
    Path leftover = Files.write(dir.resolve("content/tmp/abc-123.tmp"), HELLO);

    store();

    assertThat(leftover).doesNotExist();
  }

  @Test
  void open_limitOutOfRange_isRefused() {
    assertThatThrownBy(() -> ContentStore.open(dir, Limits.MAX_CONTENT_BYTES + 1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ContentStore.open(dir, -1))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void put_concurrentlyOfOneId_createsExactlyOnceAndEveryCallerSucceeds() throws Exception {
    ContentStore store = store();
    byte[] big = new byte[512 * 1024];
    for (int i = 0; i < big.length; i++) {
      big[i] = (byte) (i * 31 + 7);
    }
    ContentId id = ContentId.of(big);
    int writers = 8;
    CountDownLatch go = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(writers);
    try {
      List<Future<Stored>> results = new ArrayList<>();
      for (int i = 0; i < writers; i++) {
        Callable<Stored> put =
            () -> {
              go.await();
              return store.putBytes(big, id);
            };
        results.add(pool.submit(put));
      }
      go.countDown();
      int created = 0;
      for (Future<Stored> f : results) {
        if (f.get(30, TimeUnit.SECONDS).created()) {
          created++;
        }
      }
      assertThat(created).isEqualTo(1);
    } finally {
      pool.shutdownNow();
    }
    assertThat(store.read(id)).isEqualTo(big);
    assertThat(tempFiles()).isEmpty();
  }

  private List<Path> tempFiles() throws IOException {
    try (Stream<Path> s = Files.list(dir.resolve("content/tmp"))) {
      return s.toList();
    }
  }

  private static void overwrite(Path file, byte[] bytes) throws IOException {
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
    Files.write(file, bytes);
  }

  /** An endless stream of zeros that counts what it served. */
  private static final class CountingEndlessStream extends InputStream {
    long served;

    @Override
    public int read() {
      served++;
      return 0;
    }

    @Override
    public int read(byte[] b, int off, int len) {
      java.util.Arrays.fill(b, off, off + len, (byte) 0);
      served += len;
      return len;
    }
  }
}
