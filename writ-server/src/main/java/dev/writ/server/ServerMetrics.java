package dev.writ.server;

import io.prometheus.metrics.config.EscapingScheme;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.OpenMetricsTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.function.LongSupplier;

/**
 * The server's metrics (docs/spec/api.md section 7) in its own registry (never the global one),
 * written as OpenMetrics text by the Prometheus Java client: authorizations by decision and reason,
 * content transfers by result, commit latency, log size.
 *
 * <p>Thread-safe.
 */
final class ServerMetrics {
  /** The content type of {@link #scrape()}. */
  static final String CONTENT_TYPE = OpenMetricsTextFormatWriter.CONTENT_TYPE;

  /** Commit latency buckets in seconds: group commit on a local disk is around a millisecond. */
  private static final double[] COMMIT_BUCKETS = {
    0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10
  };

  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final Counter authorizations;
  private final Counter enrollments;
  private final Counter renewals;
  private final Counter handshakeRefusals;
  private final Counter content;
  private final Histogram commit;
  private final OpenMetricsTextFormatWriter writer = OpenMetricsTextFormatWriter.create();

  ServerMetrics(LongSupplier logSize) {
    authorizations =
        Counter.builder()
            .name("writ_authorizations")
            .help("Answers to POST /v1/writs by decision and reason")
            .labelNames("decision", "reason")
            .register(registry);
    enrollments =
        Counter.builder()
            .name("writ_enrollments")
            .help("Answers to POST /v1/enroll by decision and reason")
            .labelNames("decision", "reason")
            .register(registry);
    renewals =
        Counter.builder()
            .name("writ_renewals")
            .help("Renewals and refused renewal requests (/v1/svid/...) by decision and reason")
            .labelNames("decision", "reason")
            .register(registry);
    handshakeRefusals =
        Counter.builder()
            .name("writ_tls_refusals")
            .help("TLS handshakes refused by the peer check, by code")
            .labelNames("code")
            .register(registry);
    content =
        Counter.builder()
            .name("writ_content")
            .help("Answers to PUT and GET /v1/content/... by operation and result")
            .labelNames("op", "result")
            .register(registry);
    commit =
        Histogram.builder()
            .name("writ_commit_seconds")
            .help("Time from proposing a ledger command to its commit and apply")
            .classicOnly()
            .classicUpperBounds(COMMIT_BUCKETS)
            .register(registry);
    GaugeWithCallback.builder()
        .name("writ_log_size")
        .help("Leaves in this replica's applied audit log")
        .callback(cb -> cb.call((double) logSize.getAsLong()))
        .register(registry);
  }

  void answered(Reply reply) {
    authorizations.labelValues(reply.decision(), reply.reason()).inc();
  }

  void enrollment(Reply reply) {
    enrollments.labelValues(reply.decision(), reply.reason()).inc();
  }

  void renewal(Reply reply) {
    renewals.labelValues(reply.decision(), reply.reason()).inc();
  }

  void handshakeRefused(String code) {
    handshakeRefusals.labelValues(code).inc();
  }

  /**
   * A content route answered: {@code op} is {@code put} or {@code get}, {@code result} {@code
   * created}, {@code present}, {@code served} or the refusal's code.
   */
  void content(String op, String result) {
    content.labelValues(op, result).inc();
  }

  void observeCommit(long nanos) {
    commit.observe(nanos / 1e9);
  }

  /** The OpenMetrics text of every metric, ending in {@code # EOF}. */
  byte[] scrape() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      writer.write(out, registry.scrape(), EscapingScheme.ALLOW_UTF8);
    } catch (IOException e) {
      throw new UncheckedIOException("writing to memory failed", e);
    }
    return out.toByteArray();
  }
}
