package dev.writ.agent;

import dev.writ.core.Reason;
import dev.writ.core.Tier;
import dev.writ.core.VerifiedWrit;
import dev.writ.core.WorkResult;
import dev.writ.sandbox.CapturedOutput;
import dev.writ.sandbox.ExecutionLimits;
import dev.writ.sandbox.ExecutionRequest;
import dev.writ.sandbox.ExecutionResult;
import dev.writ.sandbox.SandboxTier;
import dev.writ.sandbox.Sandboxes;
import dev.writ.sandbox.TierUnavailableException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Runs a verified {@code execute} writ's content in the tier the writ names (docs/spec/work.md
 * section 6, sandbox.md): never in another tier, never below the root's floor. Each run gets a
 * fresh private folder under the agent's work root, removed afterwards; the wasm tier's random
 * bytes are seeded from the writ id, so a rerun of the same writ's bytes gives the same output.
 *
 * <p>Thread-safe: runs share nothing but the sandboxes, which are thread-safe.
 */
public final class ExecuteAction {
  private final Sandboxes sandboxes;
  private final Path workRoot;
  private final ExecutionLimits limits;

  public ExecuteAction(Sandboxes sandboxes, Path workRoot, ExecutionLimits limits) {
    this.sandboxes = Objects.requireNonNull(sandboxes, "sandboxes");
    this.workRoot = Objects.requireNonNull(workRoot, "workRoot");
    this.limits = Objects.requireNonNull(limits, "limits");
  }

  /** Whether this host runs {@code tier} (for {@link WorkChecks}). */
  public boolean available(Tier tier) {
    return sandboxes.availability(tier).isAvailable();
  }

  /**
   * Runs {@code content} (already verified to hash to the writ's content id) as {@code writ} says.
   *
   * @param floor the root's {@code sandbox_floor}
   * @throws WorkRefusedException {@code TIER_UNAVAILABLE} if the tier cannot run here
   * @throws IOException if the private folder cannot be prepared
   */
  public WorkResult.Execution run(VerifiedWrit writ, byte[] content, Tier floor)
      throws WorkRefusedException, IOException {
    Tier tier = writ.payload().tier().orElseThrow(() -> new IllegalArgumentException("no tier"));
    SandboxTier sandbox;
    try {
      sandbox = sandboxes.require(tier, floor);
    } catch (TierUnavailableException e) {
      throw new WorkRefusedException(
          Reason.TIER_UNAVAILABLE, tier.wire() + ": " + e.reason() + "; nothing was run");
    }
    Files.createDirectories(workRoot);
    Path run =
        Files.createTempDirectory(
            workRoot,
            writ.id().hex() + "-",
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    try {
      Path file = Files.write(run.resolve("content"), content);
      Path work = Files.createDirectory(run.resolve("work"));
      ExecutionResult r =
          sandbox.run(ExecutionRequest.builder(file, work).limits(limits).seed(seed(writ)).build());
      return new WorkResult.Execution(
          r.exitCode().isPresent() ? r.exitCode().getAsInt() : -1,
          r.outcome().name(),
          hex(r.stdout()),
          r.stdout().totalBytes(),
          hex(r.stderr()),
          r.stderr().totalBytes(),
          r.usage().wallTime().toMillis(),
          r.usage().instructions().isPresent()
              ? Optional.of(r.usage().instructions().getAsLong())
              : Optional.empty());
    } finally {
      deleteTree(run);
    }
  }

  /** SHA-256 of the writ id's hex: the wasm tier's deterministic random seed. */
  private static byte[] seed(VerifiedWrit writ) {
    try {
      return MessageDigest.getInstance("SHA-256")
          .digest(writ.id().hex().getBytes(StandardCharsets.US_ASCII));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }

  /** The output's SHA-256 as 64 hex digits (CapturedOutput says {@code sha256:<hex>}). */
  private static String hex(CapturedOutput out) {
    String s = out.sha256();
    return s.startsWith("sha256:") ? s.substring("sha256:".length()) : s;
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
