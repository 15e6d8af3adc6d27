package dev.writ.state;

import dev.writ.core.SpiffeId;
import dev.writ.core.WritId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The replicated record of work on the fleet (docs/spec/work.md sections 2, 3 and 7): open
 * requests, and authorized work with one item per target that stays {@code pending} until the
 * target's signed result is recorded. Deterministic: every change takes its time from the command's
 * {@code at}, never a clock.
 *
 * <p>Not thread-safe: the state machine guards it with its own lock. Its nested records are
 * immutable and are what readers outside the package see ({@link WorkView}).
 */
public final class WorkRegistry {
  /** Open requests at once. */
  static final int MAX_OPEN = 4096;

  /**
   * Authorized work kept at once; the oldest fully answered work is dropped first. Each keeps its
   * envelope (at most {@link #MAX_ENVELOPE_BYTES}), so this bounds the memory work can take.
   */
  static final int MAX_WORK = 8192;

  /** The largest envelope of a work writ: it is replicated and kept with the work. */
  public static final int MAX_ENVELOPE_BYTES = 32 * 1024;

  /** What one target has answered. */
  public enum ItemState {
    PENDING,
    DONE,
    REFUSED
  }

  /** One target's item: its state and, once answered, the result's leaf index in the audit log. */
  public record Item(ItemState state, Optional<Long> resultLeaf) {
    static final Item PENDING = new Item(ItemState.PENDING, Optional.empty());
  }

  /**
   * Authorized work: the request, the exact envelope bytes agents verify, the authorization's leaf
   * index (for its receipt; also the authorization order, since leaves are appended in apply
   * order), when it was authorized, and each target's item.
   */
  @SuppressWarnings("ArrayRecordComponent") // copied in, never handed out writable
  public record Work(
      WorkRequest request,
      byte[] envelope,
      long leafIndex,
      long authorizedAt,
      SortedMap<SpiffeId, Item> items) {
    public Work {
      envelope = envelope.clone();
      items = Collections.unmodifiableSortedMap(new TreeMap<>(items));
    }

    /** The exact envelope bytes of the writ that authorized this work. */
    public byte[] envelopeBytes() {
      return envelope.clone();
    }

    @Override
    public byte[] envelope() {
      return envelope.clone();
    }

    /** Whether every target has answered. */
    public boolean answered() {
      return items.values().stream().noneMatch(i -> i.state() == ItemState.PENDING);
    }
  }

  private final NavigableMap<WritId, WorkRequest> open = new TreeMap<>();
  private final NavigableMap<WritId, Work> work = new TreeMap<>();

  WorkRegistry() {}

  private static final Comparator<Work> OLDEST_FIRST = Comparator.comparingLong(Work::leafIndex);

  /** Drops open requests that lapsed at or before {@code at}. */
  void advanceTo(long at) {
    open.values().removeIf(r -> r.expires() <= at);
  }

  /** Opens a request, or says why not (a refusal code). */
  Optional<String> open(WorkRequest r) {
    if (open.containsKey(r.id()) || work.containsKey(r.id())) {
      return Optional.of("already_open");
    }
    if (open.size() >= MAX_OPEN) {
      return Optional.of("too_many_open");
    }
    open.put(r.id(), r);
    return Optional.empty();
  }

  Optional<WorkRequest> request(WritId id) {
    return Optional.ofNullable(open.get(id));
  }

  /**
   * Turns open request {@code id} into authorized work with every target pending, in the step that
   * spent the writ; or says why not ({@code not_open}).
   */
  Optional<String> authorize(WritId id, byte[] envelope, long leafIndex, long at) {
    WorkRequest r = open.remove(id);
    if (r == null) {
      return Optional.of("not_open");
    }
    SortedMap<SpiffeId, Item> items = new TreeMap<>();
    r.targets().forEach(t -> items.put(t, Item.PENDING));
    work.put(id, new Work(r, envelope, leafIndex, at, items));
    bound();
    return Optional.empty();
  }

  /**
   * Records {@code node}'s answer to work {@code id}, or says why not: {@code unknown_work}, {@code
   * not_a_target}, {@code already_answered} (a node answers once; a second result is refused).
   */
  Optional<String> answer(WritId id, SpiffeId node, boolean done, long resultLeaf) {
    Work w = work.get(id);
    if (w == null) {
      return Optional.of("unknown_work");
    }
    Item item = w.items().get(node);
    if (item == null) {
      return Optional.of("not_a_target");
    }
    if (item.state() != ItemState.PENDING) {
      return Optional.of("already_answered");
    }
    SortedMap<SpiffeId, Item> items = new TreeMap<>(w.items());
    items.put(node, new Item(done ? ItemState.DONE : ItemState.REFUSED, Optional.of(resultLeaf)));
    work.put(id, new Work(w.request(), w.envelope(), w.leafIndex(), w.authorizedAt(), items));
    return Optional.empty();
  }

  /** The work with an item still pending for {@code node}, oldest authorization first. */
  List<Work> pendingFor(SpiffeId node) {
    List<Work> out = new ArrayList<>();
    for (Work w : work.values()) {
      Item i = w.items().get(node);
      if (i != null && i.state() == ItemState.PENDING) {
        out.add(w);
      }
    }
    out.sort(OLDEST_FIRST);
    return out;
  }

  Optional<Work> work(WritId id) {
    return Optional.ofNullable(work.get(id));
  }

  /** The work of rollout {@code name}, oldest authorization first. */
  List<Work> rollout(String name) {
    Objects.requireNonNull(name, "name");
    List<Work> out = new ArrayList<>();
    for (Work w : work.values()) {
      if (w.request().rollout().filter(name::equals).isPresent()) {
        out.add(w);
      }
    }
    out.sort(OLDEST_FIRST);
    return out;
  }

  /** Replaces everything with a snapshot's content. */
  void reset(List<WorkRequest> requests, List<Work> works) {
    open.clear();
    work.clear();
    requests.forEach(r -> open.put(r.id(), r));
    works.forEach(w -> work.put(w.request().id(), w));
  }

  /** The open requests in id order (snapshots). */
  List<WorkRequest> openEntries() {
    return List.copyOf(open.values());
  }

  /** The authorized work in id order (snapshots). */
  List<Work> workEntries() {
    return List.copyOf(work.values());
  }

  int openCount() {
    return open.size();
  }

  int workCount() {
    return work.size();
  }

  /**
   * Beyond {@link #MAX_WORK}, drops the oldest fully answered work; pending work is never dropped.
   */
  private void bound() {
    if (work.size() <= MAX_WORK) {
      return;
    }
    work.values().stream()
        .filter(Work::answered)
        .sorted(OLDEST_FIRST)
        .limit(work.size() - (long) MAX_WORK)
        .map(w -> w.request().id())
        .toList()
        .forEach(work::remove);
  }
}
