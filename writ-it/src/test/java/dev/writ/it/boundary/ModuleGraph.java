package dev.writ.it.boundary;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.SAXException;

/**
 * The graph of dependencies between the project's own modules, read from the {@code pom.xml} of
 * every directory directly under the repository root.
 *
 * <p>An edge is any {@code <dependency>} on another module of the project, in any scope and of any
 * type, wherever Maven would use it: the project's dependencies, profile dependencies, and plugin
 * dependencies (in {@code plugins} and {@code pluginManagement}, also inside profiles). Entries in
 * {@code dependencyManagement} only pin versions and are not edges. This is stricter than Maven's
 * own transitivity (which drops test and provided scopes one hop on): for the signing boundary a
 * test-scoped or optional edge still counts.
 */
final class ModuleGraph {
  /** Limits for reading a pom: these are the project's own small files. */
  private static final long MAX_POM_BYTES = 1 << 20;

  private final SortedMap<String, Set<String>> edges;

  private ModuleGraph(SortedMap<String, Set<String>> edges) {
    this.edges = edges;
  }

  /** Reads {@code <repo>/*}{@code /pom.xml}. */
  static ModuleGraph read(Path repo) throws IOException {
    List<Path> poms;
    try (Stream<Path> dirs = Files.list(repo)) {
      poms = dirs.map(d -> d.resolve("pom.xml")).filter(Files::isRegularFile).sorted().toList();
    }
    Map<String, Pom> byArtifact = new HashMap<>();
    Set<String> keys = new TreeSet<>();
    List<Pom> parsed = new ArrayList<>();
    for (Path pom : poms) {
      Pom p = Pom.parse(pom);
      if (byArtifact.put(p.artifactId(), p) != null) {
        throw new IOException("two modules are called " + p.artifactId());
      }
      keys.add(p.groupId() + ":" + p.artifactId());
      parsed.add(p);
    }
    Set<String> projectGroups = new TreeSet<>();
    parsed.forEach(p -> projectGroups.add(p.groupId()));
    SortedMap<String, Set<String>> edges = new TreeMap<>();
    for (Pom p : parsed) {
      Set<String> to = new TreeSet<>();
      for (Pom.Dependency d : p.dependencies()) {
        Optional<String> groupId = p.resolve(d.groupId());
        boolean ours = groupId.isPresent() && projectGroups.contains(groupId.get());
        boolean unknowable =
            (groupId.isEmpty() && byArtifact.containsKey(d.artifactId()))
                || (d.artifactId().contains("${") && (groupId.isEmpty() || ours));
        if (unknowable) {
          // cannot tell whether this is one of ours: fail closed rather than miss an edge
          throw new IOException(
              p.file()
                  + ": cannot resolve dependency "
                  + d.groupId().orElse("")
                  + ":"
                  + d.artifactId()
                  + "; spell out the project's own dependencies");
        }
        if (ours && keys.contains(groupId.get() + ":" + d.artifactId())) {
          to.add(d.artifactId());
        }
      }
      edges.put(p.artifactId(), Collections.unmodifiableSet(to));
    }
    return new ModuleGraph(edges);
  }

  /** The modules, by artifactId. */
  Set<String> modules() {
    return edges.keySet();
  }

  /** The modules {@code module} names directly. */
  Set<String> directDependencies(String module) {
    return edges.getOrDefault(module, Set.of());
  }

  /** Every module {@code module} reaches, not counting itself unless through a cycle. */
  Set<String> closure(String module) {
    Set<String> seen = new LinkedHashSet<>();
    Deque<String> pending = new ArrayDeque<>(directDependencies(module));
    while (!pending.isEmpty()) {
      String next = pending.pop();
      if (seen.add(next)) {
        pending.addAll(directDependencies(next));
      }
    }
    return seen;
  }

  /** A shortest chain {@code from -> ... -> to}, if {@code to} is reachable. */
  Optional<List<String>> path(String from, String to) {
    Map<String, String> parent = new HashMap<>();
    Deque<String> queue = new ArrayDeque<>();
    queue.add(from);
    parent.put(from, from);
    while (!queue.isEmpty()) {
      String at = queue.poll();
      for (String next : directDependencies(at)) {
        if (parent.putIfAbsent(next, at) == null) {
          if (next.equals(to)) {
            List<String> chain = new ArrayList<>();
            for (String n = to; !n.equals(from); n = parent.get(n)) {
              chain.addFirst(n);
            }
            chain.addFirst(from);
            return Optional.of(chain);
          }
          queue.add(next);
        }
      }
    }
    return Optional.empty();
  }

  /** What one pom says about itself and its dependencies. */
  private record Pom(
      Path file,
      String groupId,
      Optional<String> parentGroupId,
      String artifactId,
      List<Dependency> dependencies) {
    record Dependency(Optional<String> groupId, String artifactId) {}

    /**
     * A dependency's groupId: absent or {@code ${project.groupId}} means the project's own, {@code
     * ${project.parent.groupId}} the parent's; empty if it is any other expression.
     */
    Optional<String> resolve(Optional<String> dependencyGroup) {
      if (dependencyGroup.isEmpty()) {
        return Optional.of(groupId);
      }
      return switch (dependencyGroup.get()) {
        case "${project.groupId}", "${pom.groupId}" -> Optional.of(groupId);
        case "${project.parent.groupId}" -> parentGroupId;
        default -> dependencyGroup.get().contains("${") ? Optional.empty() : dependencyGroup;
      };
    }

    static Pom parse(Path file) throws IOException {
      if (Files.size(file) > MAX_POM_BYTES) {
        throw new IOException(file + " is larger than " + MAX_POM_BYTES + " bytes");
      }
      Element project;
      try {
        project = builder().parse(file.toFile()).getDocumentElement();
      } catch (SAXException e) {
        throw new IOException("cannot parse " + file, e);
      }
      Optional<String> parentGroup = child(project, "parent").flatMap(p -> text(p, "groupId"));
      String groupId =
          text(project, "groupId")
              .or(() -> parentGroup)
              .orElseThrow(() -> new IOException(file + " has no groupId"));
      String artifactId =
          text(project, "artifactId")
              .orElseThrow(() -> new IOException(file + " has no artifactId"));
      List<Dependency> deps = new ArrayList<>();
      collect(project, file, deps);
      for (Element profiles : children(project, "profiles")) {
        for (Element profile : children(profiles, "profile")) {
          collect(profile, file, deps);
        }
      }
      return new Pom(file, groupId, parentGroup, artifactId, List.copyOf(deps));
    }

    /** Dependencies of a project or profile: its own and its plugins'. */
    private static void collect(Element scope, Path file, List<Dependency> out) throws IOException {
      addAll(children(scope, "dependencies"), file, out);
      for (Element build : children(scope, "build")) {
        List<Element> pluginLists = new ArrayList<>(children(build, "plugins"));
        for (Element pm : children(build, "pluginManagement")) {
          pluginLists.addAll(children(pm, "plugins"));
        }
        for (Element plugins : pluginLists) {
          for (Element plugin : children(plugins, "plugin")) {
            addAll(children(plugin, "dependencies"), file, out);
          }
        }
      }
    }

    private static void addAll(List<Element> dependencyLists, Path file, List<Dependency> out)
        throws IOException {
      for (Element list : dependencyLists) {
        for (Element d : children(list, "dependency")) {
          String artifactId =
              text(d, "artifactId")
                  .orElseThrow(() -> new IOException(file + ": a dependency has no artifactId"));
          out.add(new Dependency(text(d, "groupId"), artifactId));
        }
      }
    }

    private static DocumentBuilder builder() throws IOException {
      try {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        // a pom has no business with DTDs or external entities
        f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
        f.setXIncludeAware(false);
        f.setExpandEntityReferences(false);
        return f.newDocumentBuilder();
      } catch (ParserConfigurationException e) {
        throw new IOException("no safe XML parser", e);
      }
    }

    private static List<Element> children(Element parent, String name) {
      List<Element> out = new ArrayList<>();
      for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
        if (n instanceof Element e && localName(e).equals(name)) {
          out.add(e);
        }
      }
      return out;
    }

    private static Optional<Element> child(Element parent, String name) {
      return children(parent, name).stream().findFirst();
    }

    private static Optional<String> text(Element parent, String name) {
      return child(parent, name).map(e -> e.getTextContent().strip()).filter(s -> !s.isEmpty());
    }

    private static String localName(Element e) {
      String tag = e.getTagName();
      int colon = tag.indexOf(':');
      return colon < 0 ? tag : tag.substring(colon + 1);
    }
  }
}
