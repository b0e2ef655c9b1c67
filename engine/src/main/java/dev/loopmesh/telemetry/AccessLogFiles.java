package dev.loopmesh.telemetry;

import tools.jackson.databind.json.JsonMapper;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

import static java.util.Objects.requireNonNull;

/**
 * Writes each proxy's access log to its own file in a directory ({@code <proxy>.log} in TEXT,
 * {@code <proxy>.jsonl} in JSON), as Envoy's file access log would on a node. Proxies record on event
 * loops, which must not wait for a disk: records go into a bounded queue that one daemon thread drains;
 * when the disk falls behind, records are dropped and counted rather than slowing the mesh.
 */
public final class AccessLogFiles implements RequestSink, AutoCloseable {
    /** Istio's {@code meshConfig.accessLogEncoding}. */
    public enum Encoding {
        TEXT, JSON;

        /** "text" or "json", any case. */
        public static Encoding parse(String s) {
            try {
                return valueOf(s.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("access log encoding: " + s + " (expected: text or json)");
            }
        }
    }

    private static final int QUEUE = 1 << 16;
    private static final RequestRecord STOP = RequestRecord.builder().build();

    private final Path dir;
    private final Encoding encoding;
    private final BlockingQueue<RequestRecord> queue = new ArrayBlockingQueue<>(QUEUE);
    private final Map<String, BufferedWriter> writers = new HashMap<>();
    private final LongAdder dropped = new LongAdder();
    private final LongAdder written = new LongAdder();
    private final JsonMapper json = JsonMapper.builder().build();
    private final Thread writer;
    private volatile IOException failure;
    private volatile boolean closed;

    /** Creates {@code dir} if needed and starts the writer thread. */
    public AccessLogFiles(Path dir, Encoding encoding) {
        this.dir = requireNonNull(dir, "dir");
        this.encoding = requireNonNull(encoding, "encoding");
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the access log directory " + dir + ": " + e.getMessage(), e);
        }
        this.writer = new Thread(this::drain, "loopmesh-access-log-files");
        writer.setDaemon(true);
        writer.start();
    }

    /** The file a proxy's records go to. */
    public Path file(String proxy) {
        return dir.resolve(safe(proxy) + (encoding == Encoding.TEXT ? ".log" : ".jsonl"));
    }

    @Override
    public void record(RequestRecord r) {
        if (closed || !queue.offer(r)) {
            dropped.increment();
        }
    }

    /** Records not written because the queue was full (or the sink closed). */
    public long dropped() {
        return dropped.sum();
    }

    public long written() {
        return written.sum();
    }

    /** The first write error, if any (the writer stops at it). */
    public IOException failure() {
        return failure;
    }

    private void drain() {
        List<RequestRecord> batch = new ArrayList<>(256);
        try {
            while (true) {
                RequestRecord first = queue.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, 4095);
                boolean stop = false;
                for (RequestRecord r : batch) {
                    if (r == STOP) {
                        stop = true;
                        break;
                    }
                    write(r);
                }
                batch.clear();
                for (BufferedWriter w : writers.values()) {
                    w.flush();
                }
                if (stop) {
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            failure = e;
            closed = true;
        } finally {
            for (BufferedWriter w : writers.values()) {
                try {
                    w.close();
                } catch (IOException ignored) {
                    // the first failure is the one worth reporting
                }
            }
        }
    }

    private void write(RequestRecord r) throws IOException {
        BufferedWriter w = writers.get(r.proxy());
        if (w == null) {
            w = Files.newBufferedWriter(file(r.proxy()), StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
            writers.put(r.proxy(), w);
        }
        w.write(encoding == Encoding.TEXT ? AccessLogFormat.text(r) : json.writeValueAsString(AccessLogFormat.fields(r)));
        w.newLine();
        written.increment();
    }

    private static String safe(String proxy) {
        String s = proxy.replaceAll("[^A-Za-z0-9._-]", "_");
        return s.isEmpty() || s.startsWith(".") ? "_" + s : s;
    }

    /** Writes what is queued, then closes every file. */
    @Override
    public void close() {
        closed = true;
        if (!writer.isAlive()) {
            return;
        }
        try {
            if (queue.offer(STOP, 10, TimeUnit.SECONDS)) {
                writer.join(TimeUnit.SECONDS.toMillis(10));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
