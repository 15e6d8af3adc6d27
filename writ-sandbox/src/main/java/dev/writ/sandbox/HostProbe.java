package dev.writ.sandbox;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Where the process tier looks at the host: the proc filesystem and the directories holding the
 * util-linux tools. Injected so tests can present a host without root or without the tools.
 * Immutable.
 *
 * @param proc the proc filesystem, {@code /proc} on a real host
 * @param toolDirs the directories searched, in order, for {@code setpriv} and {@code prlimit}
 */
record HostProbe(Path proc, List<Path> toolDirs) {

  private static final Pattern FIELDS = Pattern.compile("\\s+");

  /** The real host: {@code /proc}, tools in {@code /usr/bin} then {@code /bin}. */
  static HostProbe real() {
    return new HostProbe(Path.of("/proc"), List.of(Path.of("/usr/bin"), Path.of("/bin")));
  }

  HostProbe {
    toolDirs = List.copyOf(toolDirs);
  }

  /** The effective uid of this process, from the {@code Uid:} line of {@code self/status}. */
  OptionalLong effectiveUid() {
    try {
      for (String line : Files.readAllLines(proc.resolve("self/status"))) {
        if (line.startsWith("Uid:")) {
          String[] f = FIELDS.splitAsStream(line.substring(4).strip()).toArray(String[]::new);
          return f.length >= 2 ? OptionalLong.of(Long.parseLong(f[1])) : OptionalLong.empty();
        }
      }
      return OptionalLong.empty();
    } catch (IOException | NumberFormatException e) {
      return OptionalLong.empty();
    }
  }

  /** The first executable regular file called {@code name} in {@link #toolDirs()}. */
  Optional<Path> tool(String name) {
    for (Path dir : toolDirs) {
      Path p = dir.resolve(name);
      if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS) && Files.isExecutable(p)) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }

  String toolDirsText() {
    return toolDirs.stream().map(Path::toString).collect(Collectors.joining(":"));
  }
}
