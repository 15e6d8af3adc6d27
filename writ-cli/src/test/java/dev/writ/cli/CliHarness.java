package dev.writ.cli;

import dev.writ.core.SpiffeId;
import dev.writ.identity.svid.SpiffeCa;
import dev.writ.identity.svid.TrustDomain;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Runs {@code writ} in-process against {@link FakeEnrollServer}s of trust domain {@code
 * fleet.test}, at a fixed clock, capturing standard output and error. Not thread-safe: one per
 * test.
 */
final class CliHarness implements AutoCloseable {
  static final TrustDomain TD = new TrustDomain("fleet.test");
  static final SpiffeId SERVER = new SpiffeId("fleet.test", "/writ/server");

  private final Path dir;
  private final Instant now;
  private final List<FakeEnrollServer> servers = new ArrayList<>();
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  private boolean terminal;

  CliHarness(Path dir, Instant now) {
    this.dir = dir;
    this.now = now;
  }

  /** A server presenting {@code presented}, with its own new CA in {@code ca-<n>}. */
  FakeEnrollServer server(SpiffeId presented) throws Exception {
    FakeEnrollServer s = FakeEnrollServer.start(caDir(servers.size()), TD, presented);
    servers.add(s);
    return s;
  }

  FakeEnrollServer server() throws Exception {
    return server(SERVER);
  }

  /** The CA of server {@code n} (the same one it was started with, loaded from its folder). */
  SpiffeCa ca(int n) throws Exception {
    return SpiffeCa.loadOrCreate(caDir(n), TD, Clock.systemUTC(), new SecureRandom());
  }

  /** A CA of the same trust domain that no bundle of these servers holds. */
  SpiffeCa otherCa() throws Exception {
    return SpiffeCa.loadOrCreate(
        dir.resolve("other-ca"), TD, Clock.systemUTC(), new SecureRandom());
  }

  private Path caDir(int n) {
    return dir.resolve("ca-" + n);
  }

  /** Writes the bundle of {@code s} and returns its path. */
  String bundle(FakeEnrollServer s) throws Exception {
    return s.writeBundle(dir.resolve("bundle.pem")).toString();
  }

  /** Runs with standard output as a terminal from now on. */
  CliHarness terminal() {
    terminal = true;
    return this;
  }

  int writ(String... args) {
    out.reset();
    err.reset();
    WritCli.Env env =
        new WritCli.Env(
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8),
            Map.of(),
            Clock.fixed(now, ZoneOffset.UTC),
            new SecureRandom(),
            terminal);
    return WritCli.run(env, args);
  }

  String out() {
    return out.toString(StandardCharsets.UTF_8);
  }

  String err() {
    return err.toString(StandardCharsets.UTF_8);
  }

  Path path(String name) {
    return dir.resolve(name);
  }

  @Override
  public void close() {
    servers.forEach(FakeEnrollServer::close);
  }
}
