package dev.writ.cli;

import dev.writ.core.json.CanonicalJson;
import dev.writ.core.json.JsonValue;
import dev.writ.core.json.JsonValue.JsonArray;
import dev.writ.core.json.JsonValue.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Indented JSON for people and checked-in files; members sorted as in RFC 8785. */
final class PrettyJson {
  private PrettyJson() {}

  static String write(JsonValue value) {
    StringBuilder sb = new StringBuilder();
    append(sb, value, 0);
    return sb.append('\n').toString();
  }

  private static void append(StringBuilder sb, JsonValue value, int indent) {
    switch (value) {
      case JsonObject o when !o.members().isEmpty() -> {
        List<Map.Entry<String, JsonValue>> members = new ArrayList<>(o.members().entrySet());
        members.sort(Map.Entry.comparingByKey());
        sb.append("{\n");
        for (int i = 0; i < members.size(); i++) {
          sb.append("  ".repeat(indent + 1));
          sb.append(scalar(new JsonValue.JsonString(members.get(i).getKey()))).append(": ");
          append(sb, members.get(i).getValue(), indent + 1);
          sb.append(i + 1 < members.size() ? ",\n" : "\n");
        }
        sb.append("  ".repeat(indent)).append('}');
      }
      case JsonArray a when !a.elements().isEmpty() -> {
        sb.append("[\n");
        for (int i = 0; i < a.elements().size(); i++) {
          sb.append("  ".repeat(indent + 1));
          append(sb, a.elements().get(i), indent + 1);
          sb.append(i + 1 < a.elements().size() ? ",\n" : "\n");
        }
        sb.append("  ".repeat(indent)).append(']');
      }
      default -> sb.append(scalar(value));
    }
  }

  private static String scalar(JsonValue v) {
    return new String(CanonicalJson.write(v), StandardCharsets.UTF_8);
  }
}
