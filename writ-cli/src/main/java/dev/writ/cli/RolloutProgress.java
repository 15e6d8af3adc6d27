package dev.writ.cli;

import dev.writ.core.SpiffeId;
import dev.writ.core.WritDeniedException;
import dev.writ.core.WritId;
import dev.writ.core.json.JsonValue;
import dev.writ.core.json.JsonValue.JsonArray;
import dev.writ.core.json.JsonValue.JsonInteger;
import dev.writ.core.json.JsonValue.JsonObject;
import dev.writ.core.json.JsonValue.JsonString;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The answer of {@code GET /v1/rollouts/<R>} (docs/spec/work.md section 8), parsed strictly: the
 * rollout's works, oldest first, each with its per-target items. What the server reports, not
 * verified (a progress view; {@code writ result show} verifies results). Immutable.
 *
 * @param rollout the rollout name
 * @param works its works, oldest first
 */
record RolloutProgress(String rollout, List<Work> works) {
  private static final Set<String> ANSWER = Set.of("rollout", "work");
  private static final Set<String> WORK = Set.of("authorized", "cap", "content", "id", "items");
  private static final Set<String> WORK_OPTIONAL = Set.of("rollout", "tier");
  private static final Set<String> ITEM = Set.of("node", "state");

  /** A work item's state. */
  enum State {
    PENDING,
    DONE,
    REFUSED;

    String wire() {
      return name().toLowerCase(Locale.ROOT);
    }

    static Optional<State> fromWire(String s) {
      for (State st : values()) {
        if (st.wire().equals(s)) {
          return Optional.of(st);
        }
      }
      return Optional.empty();
    }
  }

  /** One target's item; {@code index} is its result leaf, once answered. */
  record Item(SpiffeId node, State state, Optional<Long> index) {}

  /** One work of the rollout. */
  record Work(WritId id, String cap, String content, Optional<String> tier, List<Item> items) {}

  RolloutProgress {
    works = List.copyOf(works);
  }

  long count(State state) {
    return works.stream().flatMap(w -> w.items().stream()).filter(i -> i.state() == state).count();
  }

  long total() {
    return works.stream().mapToLong(w -> w.items().size()).sum();
  }

  /**
   * Parses the answer for rollout {@code asked}.
   *
   * @throws CliException if it is not the object of work.md section 8 for that rollout
   */
  static RolloutProgress parse(Map<String, JsonValue> body, String asked) throws CliException {
    if (!body.keySet().equals(ANSWER)) {
      throw bad("its members are " + body.keySet() + ", not " + ANSWER);
    }
    if (!(body.get("rollout") instanceof JsonString(String rollout)) || !rollout.equals(asked)) {
      throw bad("it is not the progress of rollout " + asked);
    }
    if (!(body.get("work") instanceof JsonArray(List<JsonValue> elements))) {
      throw bad("work is not an array");
    }
    List<Work> works = new ArrayList<>(elements.size());
    for (JsonValue v : elements) {
      works.add(work(v, asked));
    }
    return new RolloutProgress(rollout, works);
  }

  private static Work work(JsonValue v, String rollout) throws CliException {
    if (!(v instanceof JsonObject(Map<String, JsonValue> m)) || !known(m, WORK, WORK_OPTIONAL)) {
      throw bad("a work is not {authorized, cap, content, id, items, rollout?, tier?}");
    }
    if (!(m.get("rollout") instanceof JsonString(String r)) || !r.equals(rollout)) {
      throw bad("a work it lists is not of rollout " + rollout);
    }
    if (!(m.get("authorized") instanceof JsonInteger)) {
      throw bad("a work's authorized is not an integer");
    }
    WritId id;
    try {
      id = WritId.parse(string(m, "id"));
    } catch (WritDeniedException e) {
      throw bad("a work's id is not a writ id", e);
    }
    Optional<String> tier =
        m.containsKey("tier") ? Optional.of(string(m, "tier")) : Optional.empty();
    if (!(m.get("items") instanceof JsonArray(List<JsonValue> elements)) || elements.isEmpty()) {
      throw bad("work " + id + " has no items");
    }
    List<Item> items = new ArrayList<>(elements.size());
    for (JsonValue e : elements) {
      items.add(item(e, id));
    }
    return new Work(id, string(m, "cap"), string(m, "content"), tier, List.copyOf(items));
  }

  private static Item item(JsonValue v, WritId work) throws CliException {
    if (!(v instanceof JsonObject(Map<String, JsonValue> m)) || !known(m, ITEM, Set.of("index"))) {
      throw bad("an item of work " + work + " is not {node, state, index?}");
    }
    SpiffeId node;
    try {
      node = SpiffeId.parse(string(m, "node"));
    } catch (WritDeniedException e) {
      throw bad("an item's node is not a SPIFFE ID", e);
    }
    String s = string(m, "state");
    State state = State.fromWire(s).orElseThrow(() -> bad("unknown item state \"" + s + "\""));
    Optional<Long> index = Optional.empty();
    if (m.containsKey("index")) {
      if (!(m.get("index") instanceof JsonInteger(long n)) || n < 0) {
        throw bad("the index of " + node + " is not a leaf index");
      }
      index = Optional.of(n);
    }
    if (index.isPresent() == (state == State.PENDING)) {
      throw bad(
          "the item of "
              + node
              + " is "
              + s
              + " with"
              + (index.isPresent() ? "" : "out")
              + " a result leaf");
    }
    return new Item(node, state, index);
  }

  private static boolean known(Map<String, JsonValue> m, Set<String> required, Set<String> opt) {
    if (!m.keySet().containsAll(required)) {
      return false;
    }
    for (String k : m.keySet()) {
      if (!required.contains(k) && !opt.contains(k)) {
        return false;
      }
    }
    return true;
  }

  private static String string(Map<String, JsonValue> m, String name) throws CliException {
    if (m.get(name) instanceof JsonString(String s)) {
      return s;
    }
    throw bad(name + " is not a string");
  }

  private static CliException bad(String detail) {
    return new CliException("the server's rollout progress does not hold: " + detail);
  }

  private static CliException bad(String detail, Throwable cause) {
    return new CliException("the server's rollout progress does not hold: " + detail, cause);
  }
}
