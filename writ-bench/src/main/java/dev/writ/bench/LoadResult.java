package dev.writ.bench;

import dev.writ.core.json.CanonicalJson;
import dev.writ.core.json.JsonValue;
import dev.writ.core.json.JsonValue.JsonBool;
import dev.writ.core.json.JsonValue.JsonInteger;
import dev.writ.core.json.JsonValue.JsonNumber;
import dev.writ.core.json.JsonValue.JsonObject;
import dev.writ.core.json.JsonValue.JsonString;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * The figures of one load run: the settings, the signing time, and over the measured window the
 * acknowledged authorizations per second, their latency percentiles, the errors by kind and the CPU
 * time the generator (and, if known, the servers) used. Printed as one summary line and written as
 * canonical JSON.
 *
 * <p>Immutable once built; the histogram is not copied, so do not record into it afterwards.
 */
record LoadResult(
    String label,
    List<URI> urls,
    int clients,
    ClientKind client,
    int writs,
    int warmup,
    long signingNanos,
    Measured measured) {

  /** What the measured window produced. */
  record Measured(
      Histogram latencyUs,
      Map<String, Long> errors,
      long startEpochMillis,
      long windowNanos,
      long loadgenCpuNanos,
      long serverCpuNanos,
      Map<String, Long> serverCpuByThread,
      boolean cutShort) {
    Measured {
      errors = Map.copyOf(errors);
      serverCpuByThread = Map.copyOf(serverCpuByThread);
    }
  }

  long acks() {
    return measured.latencyUs.getTotalCount();
  }

  long errorCount() {
    return measured.errors.values().stream().mapToLong(Long::longValue).sum();
  }

  /** Acknowledged authorizations per second over the measured window. */
  double throughput() {
    return measured.windowNanos <= 0 ? 0 : acks() * 1e9 / measured.windowNanos;
  }

  /** Latency at {@code percentile} (0..100) in milliseconds; 0 without acks. */
  double latencyMs(double percentile) {
    return acks() == 0 ? 0 : measured.latencyUs.getValueAtPercentile(percentile) / 1000.0;
  }

  double maxMs() {
    return acks() == 0 ? 0 : measured.latencyUs.getMaxValue() / 1000.0;
  }

  /** CPU seconds per 1,000 acknowledged authorizations, or -1 when unknown or no acks. */
  private double cpuPerThousand(long cpuNanos) {
    return cpuNanos < 0 || acks() == 0 ? -1 : cpuNanos / 1e9 / acks() * 1000;
  }

  /** One line: settings, throughput, percentiles, errors and CPU. */
  String summary() {
    StringBuilder sb = new StringBuilder();
    sb.append("authorize");
    if (!label.isEmpty()) {
      sb.append(' ').append(label);
    }
    sb.append(
        String.format(
            Locale.ROOT,
            ": urls=%d clients=%d client=%s writs=%d warmup=%d | %.0f acks/s over %.2f s"
                + " | p50 %.2f p90 %.2f p99 %.2f p99.9 %.2f max %.2f ms | errors %d",
            urls.size(),
            clients,
            client.wire(),
            writs,
            warmup,
            throughput(),
            measured.windowNanos / 1e9,
            latencyMs(50),
            latencyMs(90),
            latencyMs(99),
            latencyMs(99.9),
            maxMs(),
            errorCount()));
    if (!measured.errors.isEmpty()) {
      sb.append(' ').append(measured.errors);
    }
    sb.append(
        String.format(
            Locale.ROOT,
            " | cpu s per 1000 acks: loadgen %.3f",
            cpuPerThousand(measured.loadgenCpuNanos)));
    if (measured.serverCpuNanos >= 0) {
      sb.append(
          String.format(Locale.ROOT, " server %.3f", cpuPerThousand(measured.serverCpuNanos)));
    }
    if (measured.cutShort) {
      sb.append(" | CUT SHORT by --max-seconds");
    }
    return sb.toString();
  }

  /** The result as canonical JSON; times in the names' units, latencies in microseconds. */
  byte[] toJson() {
    Map<String, JsonValue> lat = new LinkedHashMap<>();
    Histogram h = measured.latencyUs;
    boolean any = acks() > 0;
    lat.put("p50", new JsonInteger(any ? h.getValueAtPercentile(50) : 0));
    lat.put("p90", new JsonInteger(any ? h.getValueAtPercentile(90) : 0));
    lat.put("p99", new JsonInteger(any ? h.getValueAtPercentile(99) : 0));
    lat.put("p99_9", new JsonInteger(any ? h.getValueAtPercentile(99.9) : 0));
    lat.put("max", new JsonInteger(any ? h.getMaxValue() : 0));
    lat.put("mean", new JsonNumber(any ? round(h.getMean(), 1) : 0));
    Map<String, JsonValue> errs = new LinkedHashMap<>();
    measured.errors.forEach((k, v) -> errs.put(k, new JsonInteger(v)));
    List<JsonValue> us = new ArrayList<>();
    urls.forEach(u -> us.add(new JsonString(u.toString())));
    Map<String, JsonValue> m = new LinkedHashMap<>();
    m.put("label", new JsonString(label));
    m.put("urls", new JsonValue.JsonArray(us));
    m.put("clients", new JsonInteger(clients));
    m.put("client", new JsonString(client.wire()));
    m.put("writs", new JsonInteger(writs));
    m.put("warmup", new JsonInteger(warmup));
    m.put("signing_seconds", new JsonNumber(round(signingNanos / 1e9, 3)));
    m.put("window_seconds", new JsonNumber(round(measured.windowNanos / 1e9, 3)));
    m.put("acks", new JsonInteger(acks()));
    m.put("throughput", new JsonNumber(round(throughput(), 1)));
    m.put("latency_us", new JsonObject(lat));
    m.put("errors", new JsonObject(errs));
    m.put("error_count", new JsonInteger(errorCount()));
    m.put("loadgen_cpu_seconds", new JsonNumber(round(measured.loadgenCpuNanos / 1e9, 3)));
    if (measured.serverCpuNanos >= 0) {
      m.put("server_cpu_seconds", new JsonNumber(round(measured.serverCpuNanos / 1e9, 3)));
    }
    if (!measured.serverCpuByThread.isEmpty()) {
      Map<String, JsonValue> threads = new LinkedHashMap<>();
      measured.serverCpuByThread.forEach(
          (k, v) -> threads.put(k, new JsonNumber(round(v / 1e9, 3))));
      m.put("server_cpu_seconds_by_thread", new JsonObject(threads));
    }
    m.put("window_start_epoch_ms", new JsonInteger(measured.startEpochMillis));
    m.put(
        "window_end_epoch_ms",
        new JsonInteger(measured.startEpochMillis + measured.windowNanos / 1_000_000));
    m.put("cut_short", new JsonBool(measured.cutShort));
    return CanonicalJson.write(new JsonObject(m));
  }

  private static double round(double v, int digits) {
    double f = Math.pow(10, digits);
    return Math.round(v * f) / f;
  }
}
