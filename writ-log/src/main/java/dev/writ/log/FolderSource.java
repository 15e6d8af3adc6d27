package dev.writ.log;

import java.nio.file.Path;
import java.util.Optional;

/** A log in a folder: each tlog-tiles path is a file under the root. Stateless, thread-safe. */
final class FolderSource implements LogSource {
  private final Path root;

  FolderSource(Path root) {
    this.root = root;
  }

  @Override
  public Optional<byte[]> read(String path, int max) throws LogAuditException {
    return LogFiles.readBounded(root, path, max);
  }

  @Override
  public String location() {
    return root.toString();
  }

  @Override
  public void close() {}
}
