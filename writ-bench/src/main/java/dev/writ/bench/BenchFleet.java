package dev.writ.bench;

import dev.writ.core.Capability;
import dev.writ.core.ContentId;
import dev.writ.core.KeyId;
import dev.writ.core.Policy;
import dev.writ.core.PublicKeyVerifier;
import dev.writ.core.Role;
import dev.writ.core.RootContents;
import dev.writ.core.SignatureAlgorithm;
import dev.writ.core.SpiffeId;
import dev.writ.core.SpiffeIdGlob;
import dev.writ.core.TargetSet;
import dev.writ.core.Tier;
import dev.writ.core.WritDeniedException;
import dev.writ.core.WritId;
import dev.writ.core.WritPayload;
import dev.writ.sign.FileKeystore;
import dev.writ.sign.SigningException;
import dev.writ.sign.SoftwareKey;
import dev.writ.sign.WritSigner;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The fleet the authorize load runs against: a root key that signs the trust root and is then
 * dropped, and one Ed25519 initiator key kept in an unencrypted test-key file so that a later
 * process can sign writs the server accepts. Writs are {@code replicate} writs shaped like {@link
 * WritFixture} (targets glob and set hash, content id, rollout, ticket required by policy), each
 * with a fresh random id, valid from the second they are signed for {@link #WRIT_WINDOW}.
 *
 * <p>Bench-only: the key file is not encrypted. Stateless; the methods are thread-safe.
 */
final class BenchFleet {
  static final String TRUST_DOMAIN = "bench.writ.dev";

  /** Long enough for any bench session; a server started later than this refuses the root. */
  static final Duration ROOT_LIFETIME = Duration.ofDays(7);

  /** How long a pre-signed writ stays valid: the measured run must finish within it. */
  static final Duration WRIT_WINDOW = Duration.ofMinutes(10);

  private static final Duration MAX_TTL = Duration.ofMinutes(15);
  private static final Duration CLOCK_SKEW = Duration.ofSeconds(60);
  private static final int TARGET_COUNT = 3;

  private BenchFleet() {}

  /**
   * Generates the root and initiator keys, writes the signed trust root to {@code rootFile} and the
   * initiator key to {@code keyFile}; the root key is not kept.
   */
  static void write(Path rootFile, Path keyFile, Instant now, SecureRandom random)
      throws SigningException, WritDeniedException, IOException {
    SoftwareKey rootKey = SoftwareKey.generate(SignatureAlgorithm.ED25519, random);
    SoftwareKey initiator = SoftwareKey.generate(SignatureAlgorithm.ED25519, random);
    Map<KeyId, RootContents.TrustedKey> keys = new TreeMap<>();
    trust(keys, rootKey);
    trust(keys, initiator);
    Map<Role, RootContents.RoleKeys> roles = new EnumMap<>(Role.class);
    roles.put(Role.ROOT, only(rootKey));
    roles.put(Role.INITIATOR, only(initiator));
    roles.put(Role.APPROVER, only(rootKey));
    roles.put(Role.PAUSER, only(rootKey));
    roles.put(Role.AUDITOR, only(rootKey));
    RootContents contents =
        RootContents.create(
            1,
            now.truncatedTo(ChronoUnit.SECONDS).plus(ROOT_LIFETIME),
            TRUST_DOMAIN,
            keys,
            roles,
            policy());
    byte[] root = WritSigner.signRoot(contents.toCanonicalBytes(), List.of(rootKey));
    Files.write(rootFile, root);
    FileKeystore.writeUnencryptedTestKey(keyFile, initiator);
  }

  /** Reads the initiator key {@link #write} wrote. */
  static SoftwareKey readInitiator(Path keyFile, SecureRandom random) throws SigningException {
    return FileKeystore.readUnencryptedTestKey(keyFile, random);
  }

  /** Pre-signed writs: the envelope bytes and, at the same index, the writ id in hex. */
  record Signed(List<byte[]> envelopes, List<String> ids) {
    Signed {
      if (envelopes.size() != ids.size()) {
        throw new IllegalArgumentException("one id per envelope");
      }
    }
  }

  /**
   * Signs {@code count} distinct writs valid from {@code now} (whole seconds) for {@link
   * #WRIT_WINDOW}, on {@code threads} threads.
   */
  static Signed sign(
      SoftwareKey initiator, int count, Instant now, SecureRandom random, int threads)
      throws SigningException, WritDeniedException, InterruptedException {
    Instant iat = now.truncatedTo(ChronoUnit.SECONDS);
    List<SpiffeId> nodes = new ArrayList<>();
    for (int i = 1; i <= TARGET_COUNT; i++) {
      nodes.add(SpiffeId.parse("spiffe://" + TRUST_DOMAIN + "/node/n" + i));
    }
    WritPayload.Targets targets =
        new WritPayload.Targets(
            SpiffeIdGlob.parse("spiffe://" + TRUST_DOMAIN + "/node/*"), TargetSet.of(nodes).hash());
    ContentId content = ContentId.of("writ-bench content".getBytes(StandardCharsets.UTF_8));
    byte[][] envelopes = new byte[count][];
    String[] ids = new String[count];
    int parts = Math.max(1, Math.min(threads, count));
    ExecutorService pool = Executors.newFixedThreadPool(parts);
    try {
      List<Future<Void>> done = new ArrayList<>();
      for (int p = 0; p < parts; p++) {
        int from = (int) ((long) count * p / parts);
        int to = (int) ((long) count * (p + 1) / parts);
        done.add(
            pool.submit(
                () -> {
                  for (int i = from; i < to; i++) {
                    WritPayload payload =
                        WritPayload.create(
                            WritId.random(random),
                            Capability.REPLICATE,
                            Optional.of(targets),
                            Optional.of(content),
                            Optional.of("bench-rollout-1"),
                            Optional.empty(),
                            Optional.of("CHG-1234"),
                            iat,
                            iat,
                            iat.plus(WRIT_WINDOW));
                    envelopes[i] =
                        WritSigner.signWrit(payload.toCanonicalBytes(), List.of(initiator));
                    ids[i] = payload.id().toString();
                  }
                  return null;
                }));
      }
      for (Future<Void> f : done) {
        try {
          f.get();
        } catch (ExecutionException e) {
          switch (e.getCause()) {
            case SigningException s -> throw s;
            case WritDeniedException w -> throw w;
            case RuntimeException r -> throw r;
            case Error err -> throw err;
            default -> throw new IllegalStateException("signing failed", e.getCause());
          }
        }
      }
    } finally {
      pool.shutdownNow();
    }
    return new Signed(List.of(envelopes), List.of(ids));
  }

  /** The bench policy: no dual control, a ticket for {@code replicate}, 15-minute max TTLs. */
  static Policy policy() {
    Map<Capability, Duration> maxTtl = new EnumMap<>(Capability.class);
    for (Capability c : Capability.values()) {
      maxTtl.put(c, MAX_TTL);
    }
    return new Policy(
        Tier.GVISOR,
        maxTtl,
        EnumSet.noneOf(Capability.class),
        CLOCK_SKEW,
        EnumSet.of(Capability.REPLICATE),
        false);
  }

  /** Lists {@code key} in {@code keys} with no hybrid partner and no label. */
  static void trust(Map<KeyId, RootContents.TrustedKey> keys, SoftwareKey key)
      throws WritDeniedException {
    keys.put(
        key.keyId(),
        new RootContents.TrustedKey(
            PublicKeyVerifier.decode(key.algorithm(), key.publicKeySpki()),
            Optional.empty(),
            Optional.empty()));
  }

  /** The role held by {@code key} alone, threshold 1. */
  static RootContents.RoleKeys only(SoftwareKey key) {
    return new RootContents.RoleKeys(new TreeSet<>(Set.of(key.keyId())), 1);
  }
}
