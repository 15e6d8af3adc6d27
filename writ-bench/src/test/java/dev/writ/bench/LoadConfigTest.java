package dev.writ.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class LoadConfigTest {
  @Test
  void parse_loadRun_readsEveryOptionAndNormalizesUrls() {
    LoadConfig c =
        LoadConfig.parse(
            new String[] {
              "--key",
              "k.pem",
              "--url",
              "https://127.0.0.1:7300,https://127.0.0.1:7301/",
              "--bundle",
              "bundle.pem",
              "--clients",
              "16",
              "--writs",
              "1000",
              "--warmup",
              "0",
              "--client",
              "jdk-shared",
              "--server-pid",
              "12,34",
              "--label",
              "x",
              "--max-seconds",
              "9"
            });

    assertThat(c.writeRoot()).isEmpty();
    assertThat(c.keyFile()).isEqualTo(Path.of("k.pem"));
    assertThat(c.urls())
        .containsExactly(
            URI.create("https://127.0.0.1:7300/"), URI.create("https://127.0.0.1:7301/"));
    assertThat(c.bundle()).contains(Path.of("bundle.pem"));
    assertThat(c.clients()).isEqualTo(16);
    assertThat(c.writs()).isEqualTo(1000);
    assertThat(c.warmup()).isZero();
    assertThat(c.client()).isEqualTo(ClientKind.JDK_SHARED);
    assertThat(c.serverPids()).containsExactly(12L, 34L);
    assertThat(c.maxDuration()).hasSeconds(9);
  }

  @Test
  void parse_defaults_areTheDocumentedOnes() {
    LoadConfig c =
        LoadConfig.parse(
            new String[] {"--key", "k", "--url", "https://127.0.0.1:1", "--bundle", "b"});

    assertThat(c.clients()).isEqualTo(LoadConfig.DEFAULT_CLIENTS);
    assertThat(c.writs()).isEqualTo(LoadConfig.DEFAULT_WRITS);
    assertThat(c.warmup()).isEqualTo(LoadConfig.DEFAULT_WARMUP);
    assertThat(c.client()).isEqualTo(ClientKind.SOCKET);
    assertThat(c.json()).isEmpty();
  }

  @Test
  void parse_withoutKey_isRefused() {
    assertThatThrownBy(
            () -> LoadConfig.parse(new String[] {"--url", "https://127.0.0.1:1", "--bundle", "b"}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("--key is required");
  }

  @Test
  void parse_urlWithPath_isRefused() {
    assertThatThrownBy(
            () ->
                LoadConfig.parse(
                    new String[] {
                      "--key", "k", "--url", "https://127.0.0.1:1/v1", "--bundle", "b"
                    }))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no path");
  }

  @Test
  void parse_plainHttpOrMissingPort_isRefused() {
    assertThatThrownBy(
            () ->
                LoadConfig.parse(
                    new String[] {"--key", "k", "--url", "http://127.0.0.1:1", "--bundle", "b"}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("https://host:port")
        .hasMessageContaining("TLS 1.3 only");
    assertThatThrownBy(
            () ->
                LoadConfig.parse(
                    new String[] {"--key", "k", "--url", "https://127.0.0.1", "--bundle", "b"}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("https://host:port");
  }

  @Test
  void parse_urlWithoutBundle_isRefusedSayingWhichFile() {
    assertThatThrownBy(
            () -> LoadConfig.parse(new String[] {"--key", "k", "--url", "https://127.0.0.1:1"}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--bundle FILE is required with --url")
        .hasMessageContaining("'bundle FILE'");
  }

  @Test
  void parse_zeroClientsOrTooManyWrits_isRefused() {
    assertThatThrownBy(
            () ->
                LoadConfig.parse(
                    new String[] {
                      "--key",
                      "k",
                      "--url",
                      "https://127.0.0.1:1",
                      "--bundle",
                      "b",
                      "--clients",
                      "0"
                    }))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("--clients must be at least 1");
    assertThatThrownBy(
            () ->
                LoadConfig.parse(
                    new String[] {
                      "--key",
                      "k",
                      "--url",
                      "https://127.0.0.1:1",
                      "--bundle",
                      "b",
                      "--writs",
                      "4000000",
                      "--warmup",
                      "2000000"
                    }))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at most");
    assertThatThrownBy(
            () ->
                LoadConfig.parse(
                    new String[] {
                      "--key",
                      "k",
                      "--url",
                      "https://127.0.0.1:1",
                      "--bundle",
                      "b",
                      "--writs",
                      "ten"
                    }))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("whole number");
  }

  @Test
  void parse_writeRootWithUrl_unknownOptionOrMissingValue_isRefused() {
    assertThatThrownBy(
            () ->
                LoadConfig.parse(
                    new String[] {"--key", "k", "--write-root", "r", "--url", "https://h:1"}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("do not go together");
    assertThatThrownBy(() -> LoadConfig.parse(new String[] {"--key", "k", "--bogus", "1"}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("unknown option --bogus");
    assertThatThrownBy(() -> LoadConfig.parse(new String[] {"--key"}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("needs a value");
    assertThatThrownBy(() -> LoadConfig.parse(new String[] {"--key", "k", "--client", "curl"}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--client must be");
  }
}
