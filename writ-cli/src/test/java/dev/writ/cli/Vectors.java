package dev.writ.cli;

import dev.writ.core.json.CanonicalJson;
import dev.writ.core.json.JsonException;
import dev.writ.core.json.JsonLimits;
import dev.writ.core.json.JsonReader;
import dev.writ.core.json.JsonValue;
import dev.writ.core.json.JsonValue.JsonArray;
import dev.writ.core.json.JsonValue.JsonObject;
import dev.writ.core.json.JsonValue.JsonString;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** The checked-in vectors, read the way docs/spec/writ.md "Vectors" describes them. */
@SuppressWarnings("ArrayRecordComponent") // test data, never shared or mutated
record Vectors(
    String file,
    String root,
    List<String> rotations,
    byte[] envelope,
    JsonValue context,
    String decision,
    String reason) {

  static Path dir() {
    String repo = System.getProperty("writ.repo.dir");
    if (repo == null) {
      throw new IllegalStateException(
          "system property writ.repo.dir is not set (surefire sets it)");
    }
    return Path.of(repo, "docs", "spec", "vectors");
  }

  static Stream<Vectors> all() throws IOException {
    List<Vectors> out = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir())) {
      for (Path f : files.sorted().toList()) {
        String name = f.getFileName().toString();
        if (name.endsWith(".json") && (name.startsWith("allow-") || name.startsWith("deny-"))) {
          out.add(read(f));
        }
      }
    }
    if (out.size() < 40) {
      throw new IllegalStateException("expected the full vector set, found " + out.size());
    }
    return out.stream();
  }

  static Vectors read(Path f) throws IOException {
    try {
      JsonObject v =
          (JsonObject)
              new JsonReader(
                      new JsonLimits(1 << 20, 10, 1 << 20, 1000), JsonReader.Mode.INTEGERS_ONLY)
                  .read(Files.readAllBytes(f));
      JsonObject expect = (JsonObject) v.members().get("expect");
      List<String> rotations = new ArrayList<>();
      if (v.members().get("rotations") instanceof JsonArray a) {
        a.elements().forEach(e -> rotations.add(((JsonString) e).value()));
      }
      return new Vectors(
          f.getFileName().toString(),
          ((JsonString) v.members().get("root")).value(),
          rotations,
          CanonicalJson.write(v.members().get("envelope")),
          v.members().get("context"),
          ((JsonString) expect.members().get("decision")).value(),
          expect.members().get("reason") instanceof JsonString s ? s.value() : null);
    } catch (JsonException e) {
      throw new IOException(f + " is not JSON", e);
    }
  }

  @Override
  public String toString() {
    return file;
  }
}
