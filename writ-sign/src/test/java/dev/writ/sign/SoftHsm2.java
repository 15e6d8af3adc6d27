package dev.writ.sign;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real SoftHSM2 token store for one test JVM.
 *
 * <p>libsofthsm2 reads the file named by the {@code SOFTHSM2_CONF} environment variable when it is
 * first initialized, and stays initialized for the life of the process. A JVM cannot change its own
 * environment, so writ-sign/pom.xml gives each forked test JVM the variable (a path under target/
 * of its own) and a fresh JVM per test class; this class writes that file, pointing the token
 * directory into the test class's {@code @TempDir}, before anything loads the library. A second,
 * different token directory in one JVM would be silently ignored by the library, so it is refused
 * here.
 */
final class SoftHsm2 {
  static final String SO_PIN = "so-pin-5678";

  private static Path tokenDirOfThisJvm;

  private final Path conf;

  private SoftHsm2(Path conf) {
    this.conf = conf;
  }

  /** Writes the SoftHSM2 configuration of this JVM, with its token directory under {@code dir}. */
  static synchronized SoftHsm2 configure(Path dir) throws IOException {
    String confVar = System.getenv("SOFTHSM2_CONF");
    if (confVar == null || confVar.isBlank()) {
      throw new IllegalStateException(
          "SOFTHSM2_CONF is not set: run these tests through Maven, whose surefire configuration"
              + " in writ-sign/pom.xml sets it for the test JVM");
    }
    Path tokens = dir.resolve("tokens").toAbsolutePath();
    if (tokenDirOfThisJvm != null && !tokenDirOfThisJvm.equals(tokens)) {
      throw new IllegalStateException(
          "libsofthsm2 reads its configuration once per process; this JVM already uses "
              + tokenDirOfThisJvm
              + " (surefire must run each test class in a fresh JVM: reuseForks=false)");
    }
    Files.createDirectories(tokens);
    Path conf = Path.of(confVar);
    Files.createDirectories(conf.toAbsolutePath().getParent());
    Files.writeString(
        conf,
        "directories.tokendir = "
            + tokens
            + "\nobjectstore.backend = file\nlog.level = ERROR\nslots.removable = false\n",
        StandardCharsets.UTF_8);
    tokenDirOfThisJvm = tokens;
    return new SoftHsm2(conf);
  }

  /** Initializes a new token in the first free slot, as an operator would with softhsm2-util. */
  void initToken(String label, char[] userPin) throws IOException, InterruptedException {
    ProcessBuilder pb =
        new ProcessBuilder(
                List.of(
                    "softhsm2-util",
                    "--init-token",
                    "--free",
                    "--label",
                    label,
                    "--pin",
                    new String(userPin),
                    "--so-pin",
                    SO_PIN))
            .redirectErrorStream(true);
    pb.environment().put("SOFTHSM2_CONF", conf.toString());
    Process p;
    try {
      p = pb.start();
    } catch (IOException e) {
      throw new IOException("cannot run softhsm2-util; install Debian's softhsm2 package", e);
    }
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    // a hang guard, not a timing assertion
    if (!p.waitFor(5, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new IOException("softhsm2-util did not finish: " + output);
    }
    if (p.exitValue() != 0) {
      throw new IOException("softhsm2-util --init-token failed (" + p.exitValue() + "): " + output);
    }
  }
}
