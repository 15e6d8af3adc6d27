package dev.writ.it.boundary;

import java.nio.file.Files;
import java.nio.file.Path;

/** The repository under test, from the {@code writ.repo.dir} property surefire sets. */
final class Repo {
  private Repo() {}

  static Path dir() {
    String dir = System.getProperty("writ.repo.dir");
    if (dir == null || dir.isBlank()) {
      throw new IllegalStateException(
          "writ.repo.dir is not set: run through Maven (the parent pom's surefire sets it)");
    }
    Path repo = Path.of(dir).toAbsolutePath().normalize();
    if (!Files.isRegularFile(repo.resolve("pom.xml"))) {
      throw new IllegalStateException("writ.repo.dir " + repo + " holds no pom.xml");
    }
    return repo;
  }
}
