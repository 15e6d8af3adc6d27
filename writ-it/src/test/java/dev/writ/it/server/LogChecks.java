package dev.writ.it.server;

import dev.writ.core.WritId;
import dev.writ.core.json.JsonValue;
import dev.writ.log.Checkpoint;
import dev.writ.log.LogVerificationException;
import dev.writ.log.MerkleTree;
import dev.writ.log.Rfc9162;
import java.security.MessageDigest;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Holds a final, audited {@link ServedLog} against what the clients were told ({@link Tally}):
 * every receipt's leaf is the log's entry at that index, every receipt's checkpoint is a prefix of
 * the final tree (RFC 9162 consistency), and no writ id has more than one allow leaf.
 *
 * <p>Stateless and thread-safe.
 */
final class LogChecks {
  /** Consistency proofs through {@link MerkleTree} cost O(n) each: check this many sizes so. */
  private static final int PROOF_SAMPLE = 24;

  private LogChecks() {}

  /** The receipt checkpoint of the smallest tree, to audit the final log against. */
  static Optional<String> earliest(List<Receipt> receipts) {
    return receipts.stream()
        .min(Comparator.comparingLong(r -> r.checkpoint().size()))
        .map(Receipt::note);
  }

  /** Runs every check; the first that fails throws an {@link AssertionError}. */
  static void check(ServedLog log, Tally tally) {
    for (Receipt r : tally.receipts()) {
      if (r.index() >= log.size() || !MessageDigest.isEqual(log.entry(r.index()), r.leaf())) {
        throw new AssertionError("the final log does not hold the leaf of " + r);
      }
    }
    checkConsistency(log, tally.receipts());
    Map<String, List<Long>> allows = allowsById(log);
    allows.forEach(
        (id, at) -> {
          if (at.size() > 1) {
            throw new AssertionError("writ " + id + " has allow leaves at " + at);
          }
        });
    tally
        .acknowledged()
        .forEach(
            (id, r) -> {
              if (!allows.getOrDefault(id.hex(), List.of()).equals(List.of(r.index()))) {
                throw new AssertionError("acknowledged " + id + " is not the one allow of " + r);
              }
            });
    for (WritId id : tally.spentOnFirstUse().keySet()) {
      if (allows.getOrDefault(id.hex(), List.of()).size() != 1) {
        throw new AssertionError(id + " was SPENT on first use, but the log has no allow for it");
      }
    }
  }

  /** Allow leaves by writ id, with their indexes. */
  static Map<String, List<Long>> allowsById(ServedLog log) {
    Map<String, List<Long>> out = new HashMap<>();
    List<Map<String, JsonValue>> records = log.records();
    for (int i = 0; i < records.size(); i++) {
      Map<String, JsonValue> r = records.get(i);
      if (Json.string(r, "decision").equals("allow")) {
        out.computeIfAbsent(Json.string(r, "id"), k -> new ArrayList<>()).add((long) i);
      }
    }
    return out;
  }

  /**
   * Every receipt checkpoint's root must be the root of the final log's first {@code size} entries;
   * for a spread sample of sizes the RFC 9162 consistency proof is also built with {@link
   * MerkleTree} and verified with {@link Rfc9162#verifyConsistency}.
   */
  static void checkConsistency(ServedLog log, List<Receipt> receipts) {
    Checkpoint last = log.checkpoint();
    Map<Long, Checkpoint> bySize = new TreeMap<>();
    for (Receipt r : receipts) {
      Checkpoint before = bySize.putIfAbsent(r.checkpoint().size(), r.checkpoint());
      if (before != null && !before.equals(r.checkpoint())) {
        throw new AssertionError("two receipt checkpoints of size " + before.size() + " differ");
      }
    }
    List<byte[]> leafHashes = log.entries().stream().map(Rfc9162::leafHash).toList();
    Map<Long, byte[]> roots = prefixRoots(leafHashes, bySize.keySet());
    for (Checkpoint c : bySize.values()) {
      if (c.size() > last.size() || !MessageDigest.isEqual(roots.get(c.size()), c.root())) {
        throw new AssertionError("receipt checkpoint " + c + " is not a prefix of " + last);
      }
    }
    MerkleTree tree = MerkleTree.ofLeafHashes(leafHashes);
    if (!MessageDigest.isEqual(tree.root(), last.root())) {
      throw new AssertionError("the final entries do not give the final root");
    }
    List<Checkpoint> all = List.copyOf(bySize.values());
    int step = Math.max(1, all.size() / PROOF_SAMPLE);
    for (int i = 0; i < all.size(); i += step) {
      proveConsistent(tree, all.get(i), last);
    }
    if (!all.isEmpty()) {
      proveConsistent(tree, all.getLast(), last);
    }
  }

  private static void proveConsistent(MerkleTree tree, Checkpoint old, Checkpoint last) {
    try {
      Rfc9162.verifyConsistency(
          old.size(),
          last.size(),
          tree.consistencyProof(old.size(), last.size()),
          old.root(),
          last.root());
    } catch (LogVerificationException e) {
      throw new AssertionError(old + " is not consistent with " + last + ": " + e.getMessage(), e);
    }
  }

  /**
   * RFC 9162 roots of the prefixes of {@code sizes}, in one pass: the tree of n leaves is its
   * perfect subtrees, largest first, folded from the right.
   */
  static Map<Long, byte[]> prefixRoots(List<byte[]> leafHashes, Set<Long> sizes) {
    Map<Long, byte[]> out = new HashMap<>();
    Deque<byte[]> hashes = new ArrayDeque<>(); // perfect subtrees, last = smallest
    Deque<Integer> heights = new ArrayDeque<>();
    for (int n = 1; n <= leafHashes.size(); n++) {
      byte[] h = leafHashes.get(n - 1);
      int height = 0;
      while (!heights.isEmpty() && heights.peekLast() == height) {
        heights.removeLast();
        h = Rfc9162.nodeHash(hashes.removeLast(), h);
        height++;
      }
      hashes.addLast(h);
      heights.addLast(height);
      if (sizes.contains((long) n)) {
        var it = hashes.descendingIterator();
        byte[] root = it.next();
        while (it.hasNext()) {
          root = Rfc9162.nodeHash(it.next(), root);
        }
        out.put((long) n, root);
      }
    }
    return out;
  }
}
