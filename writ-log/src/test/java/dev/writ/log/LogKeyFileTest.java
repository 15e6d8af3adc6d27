package dev.writ.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogKeyFileTest {
  @TempDir Path dir;

  @Test
  void loadOrCreate_newFile_isPrivateAndLoadsTheSameKey() throws Exception {
    Path file = dir.resolve("sub/log.key");
    LogKeySigner created = LogKeyFile.loadOrCreate(file, "example.com/log", new SecureRandom());
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
    LogKeySigner again = LogKeyFile.loadOrCreate(file, "example.com/log", new SecureRandom());
    assertThat(again.verifierKey().toString()).isEqualTo(created.verifierKey().toString());
    // the loaded key signs notes the original verifier key accepts
    byte[] note = again.sign("hello\n");
    assertThat(SignedNotes.open(note, List.of(created.verifierKey())).text()).isEqualTo("hello\n");
  }

  @Test
  void format_matchesTheGoNoteSignerLayout() {
    LogKeySigner s =
        new LogKeySigner(
            "a", new org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters(new byte[32], 0));
    String line = LogKeyFile.format(s);
    String vkey = s.verifierKey().toString();
    // PRIVATE+KEY+<name>+<id>+<base64(0x01||seed)> shares name and id with the vkey
    assertThat(line).startsWith("PRIVATE+KEY+" + vkey.substring(0, vkey.lastIndexOf('+') + 1));
    assertThat(line).endsWith("+AQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
    assertThat(LogKeyFile.parse(line).verifierKey().toString()).isEqualTo(vkey);
  }

  @Test
  void loadOrCreate_otherOrigin_refuses() throws Exception {
    Path file = dir.resolve("log.key");
    LogKeyFile.loadOrCreate(file, "one/log", new SecureRandom());
    assertThatThrownBy(() -> LogKeyFile.loadOrCreate(file, "two/log", new SecureRandom()))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("not of origin two/log");
  }

  @Test
  void load_malformedFiles_refuse() throws Exception {
    LogKeySigner s = LogKeySigner.generate("n", new SecureRandom());
    String good = LogKeyFile.format(s);
    String[] bad = {
      "",
      "PRIVATE+KEY+n",
      good.replace("PRIVATE+KEY+", "PUBLIC+KEY+"),
      good.substring(0, good.length() - 4) + "AAAA",
      good.replace("+n+", "+m+"),
      good.substring(0, good.lastIndexOf('+') + 1) + "AQ==",
      "x".repeat(2000),
    };
    for (String b : bad) {
      Path f = dir.resolve("bad.key");
      Files.writeString(f, b, StandardCharsets.UTF_8);
      assertThatThrownBy(() -> LogKeyFile.load(f)).as(b).isInstanceOf(IOException.class);
    }
  }

  @Test
  void loadOrCreate_concurrentCreators_agreeOnOneKey() throws Exception {
    for (int round = 0; round < 10; round++) {
      Path file = dir.resolve("race-" + round + ".key");
      ExecutorService pool = Executors.newFixedThreadPool(4);
      try {
        List<Callable<String>> tasks = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
          tasks.add(
              () ->
                  LogKeyFile.loadOrCreate(file, "race/log", new SecureRandom())
                      .verifierKey()
                      .toString());
        }
        Set<String> keys = new HashSet<>();
        for (Future<String> f : pool.invokeAll(tasks)) {
          keys.add(f.get());
        }
        assertThat(keys).hasSize(1);
      } finally {
        pool.shutdownNow();
      }
    }
  }
}
