package dev.writ.cli;

import dev.writ.core.Capability;
import dev.writ.core.KeyId;
import dev.writ.core.Policy;
import dev.writ.core.PublicKeyVerifier;
import dev.writ.core.Role;
import dev.writ.core.RootContents;
import dev.writ.core.Tier;
import dev.writ.core.WritDeniedException;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;

/** Assembles root drafts for {@code writ root init}, the quickstart and the vector generator. */
final class RootDraft {
  private final Map<KeyId, RootContents.TrustedKey> keys = new LinkedHashMap<>();
  private final Map<Role, SortedSet<KeyId>> members = new EnumMap<>(Role.class);
  private final Map<Role, Integer> thresholds = new EnumMap<>(Role.class);

  RootDraft() {
    for (Role r : Role.values()) {
      members.put(r, new TreeSet<>());
    }
  }

  /** The policy a new root gets unless told otherwise; every value ends up explicit in the root. */
  static Policy defaultPolicy() {
    Map<Capability, Duration> ttl = new EnumMap<>(Capability.class);
    for (Capability c : Capability.values()) {
      ttl.put(c, Duration.ofHours(1));
    }
    ttl.put(Capability.DEPLOY, Duration.ofMinutes(15));
    ttl.put(Capability.EXECUTE, Duration.ofMinutes(15));
    return new Policy(
        Tier.GVISOR,
        ttl,
        EnumSet.of(
            Capability.DEPLOY,
            Capability.EXECUTE,
            Capability.ENROLL,
            Capability.QUARANTINE,
            Capability.RESUME),
        Duration.ofSeconds(60),
        EnumSet.noneOf(Capability.class),
        false);
  }

  RootDraft key(PublicKeyVerifier key, Optional<String> label) {
    keys.putIfAbsent(key.keyId(), new RootContents.TrustedKey(key, Optional.empty(), label));
    return this;
  }

  RootDraft role(Role role, PublicKeyVerifier key, Optional<String> label) {
    key(key, label);
    members.get(role).add(key.keyId());
    return this;
  }

  RootDraft hybrid(
      PublicKeyVerifier postQuantum, PublicKeyVerifier classical, Optional<String> label) {
    keys.put(
        postQuantum.keyId(),
        new RootContents.TrustedKey(postQuantum, Optional.of(classical.keyId()), label));
    return this;
  }

  RootDraft threshold(Role role, int n) {
    thresholds.put(role, n);
    return this;
  }

  RootContents build(long version, Instant expires, String trustDomain, Policy policy)
      throws WritDeniedException {
    Map<Role, RootContents.RoleKeys> roles = new EnumMap<>(Role.class);
    for (Role r : Role.values()) {
      roles.put(r, new RootContents.RoleKeys(members.get(r), thresholds.getOrDefault(r, 1)));
    }
    return RootContents.create(version, expires, trustDomain, keys, roles, policy);
  }
}
