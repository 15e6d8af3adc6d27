package dev.writ.log;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A test HTTP server on 127.0.0.1 that serves a log folder under {@code /log/}: a file is 200 with
 * its bytes, a missing one 404. Tests can make one path answer with another status, or stall it
 * until {@link #close()}. Records every path requested.
 */
final class TileFolderServer implements AutoCloseable {
  static final String PREFIX = "/log/";

  private final Path root;
  private final HttpServer server;
  private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
  private final Map<String, Integer> statusOverrides = new ConcurrentHashMap<>();
  private final Map<String, Boolean> stalled = new ConcurrentHashMap<>();
  private final CountDownLatch release = new CountDownLatch(1);
  private final List<String> requests = new CopyOnWriteArrayList<>();

  TileFolderServer(Path root) throws IOException {
    this.root = root;
    this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(PREFIX, this::handle);
    server.setExecutor(executor);
    server.start();
  }

  /** The log's base URL, without a trailing slash (the source must add it). */
  URI base() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/log");
  }

  /** Makes {@code path} answer {@code status} with an empty body. */
  void answer(String path, int status) {
    statusOverrides.put(path, status);
  }

  /** Makes {@code path} answer nothing until the server closes. */
  void stall(String path) {
    stalled.put(path, true);
  }

  /** Paths requested so far, relative to the log, in order. */
  List<String> requests() {
    return List.copyOf(requests);
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getRawPath().substring(PREFIX.length());
      requests.add(path);
      if (stalled.containsKey(path)) {
        try {
          release.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        return;
      }
      Integer status = statusOverrides.get(path);
      if (status != null) {
        if (status >= 300 && status < 400) {
          exchange.getResponseHeaders().add("Location", PREFIX + path);
        }
        exchange.sendResponseHeaders(status, -1);
        return;
      }
      byte[] body;
      try {
        body = path.contains("..") ? null : Files.readAllBytes(root.resolve(path));
      } catch (NoSuchFileException e) {
        body = null;
      }
      if (body == null) {
        exchange.sendResponseHeaders(404, -1);
        return;
      }
      exchange.sendResponseHeaders(200, body.length == 0 ? -1 : body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    }
  }

  @Override
  public void close() {
    release.countDown();
    server.stop(0);
    executor.shutdownNow();
  }
}
