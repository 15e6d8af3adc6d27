package dev.writ.sandbox;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Kills every process that runs as a given uid, by scanning {@code /proc/<pid>/status} (real,
 * effective or saved uid) and sending SIGKILL, until a scan finds none alive. This catches
 * double-forked and {@code setsid} children that {@link ProcessHandle#descendants()} misses. The
 * uid must belong to Writ alone ({@link UidRange}). Stateless; thread-safe.
 */
final class UidReaper {

  /** Most scan-and-kill rounds before giving up (the process count is bounded by RLIMIT_NPROC). */
  static final int MAX_ROUNDS = 200;

  /** Pause between rounds, so SIGKILL is delivered before the next scan. */
  static final long ROUND_PAUSE_MILLIS = 5;

  private static final Pattern FIELDS = Pattern.compile("\\s+");

  private final Path proc;

  UidReaper(Path proc) {
    this.proc = proc;
  }

  /** The result of {@link #killAll(int)}. */
  record Sweep(int killed, boolean clean) {}

  /**
   * SIGKILLs every process of {@code uid} until none is left (zombies count as gone), in at most
   * {@link #MAX_ROUNDS} rounds.
   */
  Sweep killAll(int uid) {
    int killed = 0;
    for (int round = 0; round < MAX_ROUNDS; round++) {
      List<Long> alive = processesOf(uid);
      if (alive.isEmpty()) {
        return new Sweep(killed, true);
      }
      for (long pid : alive) {
        if (ProcessHandle.of(pid).map(ProcessHandle::destroyForcibly).orElse(false)) {
          killed++;
        }
      }
      try {
        Thread.sleep(ROUND_PAUSE_MILLIS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return new Sweep(killed, processesOf(uid).isEmpty());
      }
    }
    return new Sweep(killed, processesOf(uid).isEmpty());
  }

  /** The live (not zombie) processes whose real, effective or saved uid is {@code uid}. */
  List<Long> processesOf(int uid) {
    List<Long> out = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(proc)) {
      for (Path entry : entries) {
        String name = entry.getFileName().toString();
        if (!name.chars().allMatch(Character::isDigit)) {
          continue;
        }
        if (runsAs(entry.resolve("status"), uid)) {
          out.add(Long.parseLong(name));
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot list " + proc + ": " + e.getMessage(), e);
    }
    return out;
  }

  private static boolean runsAs(Path status, int uid) {
    List<String> lines;
    try {
      lines = Files.readAllLines(status);
    } catch (NoSuchFileException e) {
      return false; // exited between the listing and the read
    } catch (IOException e) {
      // a process that exits mid-read gives ESRCH; nothing of it is left to kill
      return false;
    }
    boolean matches = false;
    for (String line : lines) {
      if (line.startsWith("State:")) {
        String state = line.substring(6).strip();
        if (state.startsWith("Z") || state.startsWith("X")) {
          return false; // zombie or dead: holds no resources a program could use
        }
      }
      if (line.startsWith("Uid:")) {
        String[] f = FIELDS.splitAsStream(line.substring(4).strip()).toArray(String[]::new);
        String u = Integer.toString(uid);
        matches = f.length >= 3 && (f[0].equals(u) || f[1].equals(u) || f[2].equals(u));
      }
    }
    return matches;
  }
}
