package dev.writ.core;

import dev.writ.core.json.JsonValue;
import dev.writ.core.json.JsonValue.JsonArray;
import dev.writ.core.json.JsonValue.JsonBool;
import dev.writ.core.json.JsonValue.JsonInteger;
import dev.writ.core.json.JsonValue.JsonObject;
import dev.writ.core.json.JsonValue.JsonString;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/** Typed, strict access to the members of one JSON object; every miss is {@code MALFORMED}. */
final class Fields {
  private final String where;
  private final JsonObject object;

  private Fields(String where, JsonObject object) {
    this.where = where;
    this.object = object;
  }

  static Fields of(String where, JsonValue value) throws WritDeniedException {
    if (!(value instanceof JsonObject o)) {
      throw new WritDeniedException(Reason.MALFORMED, where + " must be a JSON object");
    }
    return new Fields(where, o);
  }

  /** Denies with {@link Reason#UNKNOWN_FIELD} if a member outside {@code known} is present. */
  Fields onlyKnown(Set<String> known) throws WritDeniedException {
    if (known.containsAll(object.members().keySet())) {
      return this;
    }
    Set<String> unknown = new TreeSet<>(object.members().keySet());
    unknown.removeAll(known);
    throw new WritDeniedException(
        Reason.UNKNOWN_FIELD, where + " has unknown field \"" + unknown.iterator().next() + "\"");
  }

  boolean has(String name) {
    return object.members().containsKey(name);
  }

  Set<String> names() {
    return object.members().keySet();
  }

  JsonValue value(String name) throws WritDeniedException {
    JsonValue v = object.members().get(name);
    if (v == null) {
      throw new WritDeniedException(Reason.MALFORMED, where + " lacks \"" + name + "\"");
    }
    return v;
  }

  String string(String name) throws WritDeniedException {
    if (value(name) instanceof JsonString s) {
      return s.value();
    }
    throw wrongType(name, "a string");
  }

  Optional<String> optionalString(String name) throws WritDeniedException {
    return has(name) ? Optional.of(string(name)) : Optional.empty();
  }

  long integer(String name) throws WritDeniedException {
    if (value(name) instanceof JsonInteger i) {
      return i.value();
    }
    throw wrongType(name, "an integer");
  }

  long nonNegative(String name) throws WritDeniedException {
    long v = integer(name);
    if (v < 0) {
      throw new WritDeniedException(Reason.MALFORMED, where + "." + name + " must be >= 0");
    }
    return v;
  }

  boolean bool(String name) throws WritDeniedException {
    if (value(name) instanceof JsonBool b) {
      return b.value();
    }
    throw wrongType(name, "true or false");
  }

  List<JsonValue> array(String name) throws WritDeniedException {
    if (value(name) instanceof JsonArray a) {
      return a.elements();
    }
    throw wrongType(name, "an array");
  }

  Fields object(String name) throws WritDeniedException {
    if (value(name) instanceof JsonObject o) {
      return new Fields(where + "." + name, o);
    }
    throw wrongType(name, "an object");
  }

  static String stringElement(String where, JsonValue v) throws WritDeniedException {
    if (v instanceof JsonString s) {
      return s.value();
    }
    throw new WritDeniedException(Reason.MALFORMED, where + " must hold strings");
  }

  private WritDeniedException wrongType(String name, String what) {
    return new WritDeniedException(Reason.MALFORMED, where + "." + name + " must be " + what);
  }
}
