package dev.writ.bench;

import dev.writ.identity.tls.MtlsContexts;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * A minimal blocking HTTP/1.1 client for the load over TLS 1.3: one keep-alive TLS socket per URL
 * (writ-identity's {@link MtlsContexts#clientSocket}, so TCP_NODELAY and Writ's TLS parameters),
 * opened and handshaken on first use and again after a failure or a {@code Connection: close}, so
 * that a run measures requests, not handshakes. It writes one fixed-length POST and reads one
 * answer framed by {@code Content-Length}, by chunked transfer coding, or by the end of the
 * connection. No redirects.
 *
 * <p>Parsing is bounded: a status or header line over {@link #MAX_LINE} bytes, more than {@link
 * #MAX_HEADERS} header fields, or a body over {@link #MAX_BODY} bytes fail the request. Not
 * thread-safe: one per client thread.
 */
final class SocketSubmitter implements Submitter {
  /** Longest status or header line read; Jetty's default request header limit is 8 KiB. */
  static final int MAX_LINE = 8192;

  static final int MAX_HEADERS = 100;

  /** A receipt is a few KiB; far more is a broken answer, not one to buffer. */
  static final int MAX_BODY = 1 << 20;

  private final List<URI> urls;
  private final SSLContext tls;
  private final Connection[] connections;

  /** A client of {@code urls} ({@code https://host:port}) connecting with {@code tls}. */
  SocketSubmitter(List<URI> urls, SSLContext tls) {
    for (URI u : urls) {
      if (!"https".equals(u.getScheme()) || u.getHost() == null || u.getPort() < 1) {
        throw new IllegalArgumentException("socket client needs https://host:port, got " + u);
      }
    }
    this.urls = List.copyOf(urls);
    this.tls = tls;
    this.connections = new Connection[urls.size()];
  }

  @Override
  public Answer post(int url, byte[] envelope) throws IOException {
    Connection c = connections[url];
    if (c == null) {
      c = Connection.open(urls.get(url), tls);
      connections[url] = c;
    }
    try {
      Exchange e = c.exchange(envelope);
      if (!e.keepAlive()) {
        c.close();
        connections[url] = null;
      }
      return e.answer();
    } catch (IOException | RuntimeException e) {
      c.close();
      connections[url] = null;
      throw e;
    }
  }

  @Override
  public void close() {
    for (int i = 0; i < connections.length; i++) {
      if (connections[i] != null) {
        connections[i].close();
        connections[i] = null;
      }
    }
  }

  private record Exchange(Answer answer, boolean keepAlive) {}

  private static final class Connection {
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final byte[] head;

    private Connection(Socket socket, String hostHeader) throws IOException {
      this.socket = socket;
      this.in = new BufferedInputStream(socket.getInputStream(), 16384);
      this.out = new BufferedOutputStream(socket.getOutputStream(), 16384);
      this.head =
          ("POST "
                  + AuthorizeLoad.WRITS_PATH
                  + " HTTP/1.1\r\nHost: "
                  + hostHeader
                  + "\r\nContent-Type: application/json\r\nContent-Length: ")
              .getBytes(StandardCharsets.US_ASCII);
    }

    static Connection open(URI url, SSLContext tls) throws IOException {
      SSLSocket s = MtlsContexts.clientSocket(tls);
      try {
        s.setSoTimeout((int) ClientKind.REQUEST_TIMEOUT.toMillis());
        s.connect(
            new InetSocketAddress(url.getHost(), url.getPort()),
            (int) ClientKind.CONNECT_TIMEOUT.toMillis());
        s.startHandshake(); // a refused server fails here, before any request bytes are sent
        return new Connection(s, url.getHost() + ":" + url.getPort());
      } catch (IOException | RuntimeException e) {
        s.close();
        throw e;
      }
    }

    Exchange exchange(byte[] body) throws IOException {
      out.write(head);
      out.write((body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.write(body);
      out.flush();

      int status = statusOf(readLine());
      long length = -1;
      boolean chunked = false;
      boolean keepAlive = true;
      for (int n = 0; ; n++) {
        String line = readLine();
        if (line.isEmpty()) {
          break;
        }
        if (n == MAX_HEADERS) {
          throw new IOException("more than " + MAX_HEADERS + " header fields");
        }
        int colon = line.indexOf(':');
        if (colon <= 0) {
          throw new IOException("malformed header field: " + line);
        }
        String name = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
        String value = line.substring(colon + 1).trim();
        switch (name) {
          case "content-length" -> length = contentLength(value);
          case "transfer-encoding" -> chunked = value.toLowerCase(Locale.ROOT).endsWith("chunked");
          case "connection" -> keepAlive &= !value.toLowerCase(Locale.ROOT).contains("close");
          default -> {}
        }
      }
      byte[] answer;
      if (chunked) {
        answer = readChunked();
      } else if (length >= 0) {
        if (length > MAX_BODY) {
          throw new IOException("answer body of " + length + " bytes exceeds " + MAX_BODY);
        }
        answer = in.readNBytes((int) length);
        if (answer.length != length) {
          throw new EOFException("connection closed inside the answer body");
        }
      } else {
        answer = readToEnd();
        keepAlive = false;
      }
      return new Exchange(new Answer(status, answer), keepAlive);
    }

    private static int statusOf(String line) throws IOException {
      // HTTP/1.1 200 OK
      if (!line.startsWith("HTTP/1.") || line.length() < 12 || line.charAt(8) != ' ') {
        throw new IOException("malformed status line: " + line);
      }
      try {
        return Integer.parseInt(line.substring(9, 12));
      } catch (NumberFormatException e) {
        throw new IOException("malformed status line: " + line, e);
      }
    }

    private static long contentLength(String value) throws IOException {
      try {
        long n = Long.parseLong(value);
        if (n < 0) {
          throw new IOException("negative Content-Length " + value);
        }
        return n;
      } catch (NumberFormatException e) {
        throw new IOException("malformed Content-Length " + value, e);
      }
    }

    private byte[] readChunked() throws IOException {
      ByteArrayOutputStream body = new ByteArrayOutputStream();
      while (true) {
        String sizeLine = readLine();
        int semi = sizeLine.indexOf(';');
        String hex = (semi >= 0 ? sizeLine.substring(0, semi) : sizeLine).trim();
        int size;
        try {
          size = Integer.parseInt(hex, 16);
        } catch (NumberFormatException e) {
          throw new IOException("malformed chunk size: " + sizeLine, e);
        }
        if (size < 0 || body.size() + (long) size > MAX_BODY) {
          throw new IOException("chunked answer body exceeds " + MAX_BODY + " bytes");
        }
        if (size == 0) {
          // trailer fields, then the empty line
          for (int n = 0; !readLine().isEmpty(); n++) {
            if (n == MAX_HEADERS) {
              throw new IOException("more than " + MAX_HEADERS + " trailer fields");
            }
          }
          return body.toByteArray();
        }
        byte[] chunk = in.readNBytes(size);
        if (chunk.length != size) {
          throw new EOFException("connection closed inside a chunk");
        }
        body.write(chunk);
        if (!readLine().isEmpty()) {
          throw new IOException("chunk not followed by CRLF");
        }
      }
    }

    private byte[] readToEnd() throws IOException {
      byte[] body = in.readNBytes(MAX_BODY + 1);
      if (body.length > MAX_BODY) {
        throw new IOException("answer body exceeds " + MAX_BODY + " bytes");
      }
      return body;
    }

    /** One line without its CRLF (a bare LF is accepted, as RFC 9112 section 2.2 allows). */
    private String readLine() throws IOException {
      StringBuilder sb = new StringBuilder(64);
      while (true) {
        int b = in.read();
        if (b < 0) {
          throw new EOFException("connection closed before the answer was complete");
        }
        if (b == '\n') {
          int end = sb.length();
          if (end > 0 && sb.charAt(end - 1) == '\r') {
            sb.setLength(end - 1);
          }
          return sb.toString();
        }
        if (sb.length() == MAX_LINE) {
          throw new IOException("line longer than " + MAX_LINE + " bytes");
        }
        sb.append((char) b);
      }
    }

    void close() {
      try {
        socket.close();
      } catch (IOException ignored) {
        // closing a socket we are giving up on: nothing left to do with it
      }
    }
  }
}
