package dev.writ.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.writ.log.LogAuditException.Kind;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link LogAuditorContract} over HTTP, from a {@link TileFolderServer} on loopback. */
class LogAuditorHttpTest extends LogAuditorContract {
  private TileFolderServer server;
  private LogSource source;

  @BeforeEach
  void start() throws Exception {
    server = new TileFolderServer(dir);
    source = LogSource.http(server.base(), Duration.ofSeconds(10));
  }

  @AfterEach
  void stop() {
    source.close();
    server.close();
  }

  @Override
  LogSource source() {
    return source;
  }

  @Test
  void verify_overHttp_readsTheCheckpointAndEveryTileOnceInOrder() throws Exception {
    write(dir, entries(1000, "a"));
    audit(Optional.empty());
    List<String> expected = new ArrayList<>();
    expected.add("checkpoint");
    for (Tile t : Tile.forTree(1000)) {
      expected.add(t.level() == 0 ? t.entriesPath() : t.path());
      if (t.level() == 0) {
        expected.add(t.path());
      }
    }
    assertThat(server.requests()).containsExactlyInAnyOrderElementsOf(expected);
    assertThat(server.requests()).doesNotHaveDuplicates().startsWith("checkpoint");
    assertThat(source.location()).isEqualTo(server.base() + "/");
  }

  @Test
  void verify_serverErrorOnATile_failsWithUnreadableAtThatTile() throws Exception {
    write(dir, entries(1000, "a"));
    server.answer("tile/1/000.p/3", 500);
    assertFails(Optional.empty(), Kind.UNREADABLE, "tile/1/000.p/3", -1);
  }

  @Test
  void verify_redirect_isNotFollowedAndFailsWithUnreadable() throws Exception {
    write(dir, entries(10, "a"));
    server.answer("tile/entries/000.p/10", 302);
    assertFails(Optional.empty(), Kind.UNREADABLE, "tile/entries/000.p/10", -1);
  }

  @Test
  void verify_checkpointForbidden_failsWithUnreadable() throws Exception {
    write(dir, entries(10, "a"));
    server.answer("checkpoint", 403);
    assertFails(Optional.empty(), Kind.UNREADABLE, "checkpoint", -1);
  }

  @Test
  void verify_bundleNotFound_failsWithTruncatedLog() throws Exception {
    write(dir, entries(600, "a"));
    server.answer("tile/entries/001", 404);
    assertFails(Optional.empty(), Kind.TRUNCATED_LOG, "tile/entries/001", 256);
  }

  @Test
  void verify_stalledTile_failsWithUnreadableAfterTheTimeout() throws Exception {
    write(dir, entries(10, "a"));
    server.stall("tile/0/000.p/10");
    try (LogSource quick = LogSource.http(server.base(), Duration.ofMillis(300))) {
      assertThatThrownBy(() -> LogAuditor.verify(quick, SIGNER.verifierKey(), Optional.empty()))
          .isInstanceOfSatisfying(
              LogAuditException.class,
              e -> {
                assertThat(e.kind()).isEqualTo(Kind.UNREADABLE);
                assertThat(e.path()).contains("tile/0/000.p/10");
              });
    }
  }

  @Test
  void verify_nothingListening_failsWithUnreadable() throws Exception {
    URI base = server.base();
    server.close();
    try (LogSource gone = LogSource.http(base, Duration.ofSeconds(2))) {
      assertThatThrownBy(() -> LogAuditor.verify(gone, SIGNER.verifierKey(), Optional.empty()))
          .isInstanceOfSatisfying(
              LogAuditException.class, e -> assertThat(e.kind()).isEqualTo(Kind.UNREADABLE));
    }
  }

  @Test
  void http_notAnHttpBaseUrlOrNoTimeout_isRefused() {
    for (String url :
        List.of(
            "ftp://127.0.0.1/log",
            "file:///tmp/log",
            "/log",
            "http:log",
            "http://127.0.0.1/log?x=1",
            "http://127.0.0.1/log#f")) {
      assertThatThrownBy(() -> LogSource.http(URI.create(url), Duration.ofSeconds(1)))
          .as(url)
          .isInstanceOf(IllegalArgumentException.class);
    }
    URI ok = URI.create("https://log.example/prefix/");
    assertThatThrownBy(() -> LogSource.http(ok, Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> LogSource.http(ok, Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class);
    try (LogSource s = LogSource.http(ok, Duration.ofSeconds(1))) {
      assertThat(s.location()).isEqualTo("https://log.example/prefix/");
    }
  }
}
