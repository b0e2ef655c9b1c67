package dev.loopmesh.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * A reverse proxy from the operating system (Debian's haproxy or nginx) that the bench starts on
 * loopback with a generated configuration, reads the CPU time of, and stops. Two of them in a row
 * stand for the two sidecars of the mesh path.
 */
final class ExternalProxy implements AutoCloseable {
    /** The proxy could not be started; the configuration is left out of the results with this reason. */
    static final class Unavailable extends Exception {
        private static final long serialVersionUID = 1L;

        Unavailable(String reason) {
            super(reason, null, false, false);
        }
    }

    private static final long TICKS_PER_SECOND = clockTicks();

    private final String name;
    private final Process process;
    private final Path log;
    private final int port;
    private List<Long> pids;

    private ExternalProxy(String name, Process process, Path log, int port) {
        this.name = name;
        this.process = process;
        this.log = log;
        this.port = port;
    }

    /** The full path of {@code program} on the PATH (or the sbin directories), or null. */
    static Path find(String program) {
        List<String> dirs = new ArrayList<>(List.of(System.getenv().getOrDefault("PATH", "").split(":")));
        dirs.addAll(List.of("/usr/sbin", "/usr/local/sbin", "/sbin"));
        for (String d : dirs) {
            if (d.isEmpty()) {
                continue;
            }
            Path p = Path.of(d, program);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }

    /** One HAProxy hop: {@code 127.0.0.1:port} → {@code next}, HTTP keep-alive on both sides, one thread. */
    static ExternalProxy haproxy(Path dir, int port, InetSocketAddress next) throws Unavailable {
        Path bin = find("haproxy");
        if (bin == null) {
            throw new Unavailable("haproxy is not installed (apt-get install -y haproxy)");
        }
        String cfg = String.join("\n",
                "global",
                "    nbthread 1",
                "    maxconn 4096",
                "defaults",
                "    mode http",
                "    timeout connect 5s",
                "    timeout client 60s",
                "    timeout server 60s",
                "    timeout http-keep-alive 60s",
                "    option http-keep-alive",
                "    http-reuse always",
                "frontend hop",
                "    bind 127.0.0.1:" + port,
                "    default_backend next",
                "backend next",
                "    server next " + hostPort(next),
                "");
        Path file = write(dir.resolve("haproxy-" + port + ".cfg"), cfg);
        return start("haproxy", dir, port, List.of(bin.toString(), "-db", "-f", file.toString()));
    }

    /** One nginx hop: one worker, an upstream keep-alive pool. */
    static ExternalProxy nginx(Path dir, int port, InetSocketAddress next) throws Unavailable {
        Path bin = find("nginx");
        if (bin == null) {
            throw new Unavailable("nginx is not installed (apt-get install -y nginx)");
        }
        Path prefix = dir.resolve("nginx-" + port);
        String p = prefix.toString();
        String cfg = String.join("\n",
                "worker_processes 1;",
                "daemon off;",
                "pid " + p + "/nginx.pid;",
                "error_log " + p + "/error.log warn;",
                "events { worker_connections 4096; }",
                "http {",
                "    access_log off;",
                "    client_body_temp_path " + p + "/body;",
                "    proxy_temp_path " + p + "/proxy;",
                "    fastcgi_temp_path " + p + "/fastcgi;",
                "    uwsgi_temp_path " + p + "/uwsgi;",
                "    scgi_temp_path " + p + "/scgi;",
                "    keepalive_requests 1000000;",
                "    upstream next { server " + hostPort(next) + "; keepalive 64; keepalive_requests 1000000; }",
                "    server {",
                "        listen 127.0.0.1:" + port + ";",
                "        location / {",
                "            proxy_pass http://next;",
                "            proxy_http_version 1.1;",
                "            proxy_set_header Connection \"\";",
                "            proxy_set_header Host $http_host;",
                "        }",
                "    }",
                "}",
                "");
        try {
            Files.createDirectories(prefix);
        } catch (IOException e) {
            throw new Unavailable("cannot create " + prefix + ": " + e.getMessage());
        }
        Path file = write(prefix.resolve("nginx.conf"), cfg);
        return start("nginx", prefix, port, List.of(bin.toString(), "-p", p, "-c", file.toString(), "-e", p + "/error.log"));
    }

    private static String hostPort(InetSocketAddress a) {
        return a.getAddress().getHostAddress() + ":" + a.getPort();
    }

    private static Path write(Path file, String text) throws Unavailable {
        try {
            return Files.writeString(file, text);
        } catch (IOException e) {
            throw new Unavailable("cannot write " + file + ": " + e.getMessage());
        }
    }

    private static ExternalProxy start(String name, Path dir, int port, List<String> command) throws Unavailable {
        Path log = dir.resolve(name + "-" + port + ".log");
        Process p;
        try {
            p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        } catch (IOException e) {
            throw new Unavailable("cannot start " + name + ": " + e.getMessage());
        }
        ExternalProxy proxy = new ExternalProxy(name, p, log, port);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                throw new Unavailable(name + " exited with " + p.exitValue() + ": " + proxy.logTail());
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return proxy;
            } catch (IOException notYet) {
                sleep(20);
            }
        }
        proxy.close();
        throw new Unavailable(name + " did not listen on 127.0.0.1:" + port + " within 5 s: " + proxy.logTail());
    }

    String name() {
        return name;
    }

    int port() {
        return port;
    }

    /** User plus system CPU time of the proxy's processes (for nginx: master and workers), in nanoseconds. */
    long cpuNanos() {
        if (pids == null) {
            pids = new ArrayList<>();
            pids.add(process.pid());
            process.descendants().forEach(h -> pids.add(h.pid()));
        }
        long ticks = 0;
        for (long pid : pids) {
            ticks += procTicks(pid);
        }
        return ticks * 1_000_000_000L / TICKS_PER_SECOND;
    }

    /** utime + stime of /proc/PID/stat (fields 14 and 15), 0 when unreadable. */
    static long procTicks(long pid) {
        try {
            return parseStatTicks(Files.readString(Path.of("/proc/" + pid + "/stat")));
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /** The fields after the command name (which may hold spaces and parentheses) counted from state, field 3. */
    static long parseStatTicks(String stat) {
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }

    private String logTail() {
        try {
            String s = Files.readString(log).trim();
            s = s.length() > 300 ? "…" + s.substring(s.length() - 300) : s;
            return s.isEmpty() ? "(no output)" : s.replace('\n', ' ');
        } catch (IOException e) {
            return "(no log)";
        }
    }

    private static long clockTicks() {
        try {
            Process p = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes()).trim();
            p.waitFor(2, TimeUnit.SECONDS);
            return Long.parseLong(out);
        } catch (IOException | RuntimeException e) {
            return 100;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 100;
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        List<ProcessHandle> children = process.descendants().toList();
        process.destroy();
        try {
            if (!process.waitFor(3, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(2, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        children.forEach(h -> {
            if (h.isAlive()) {
                h.destroyForcibly();
            }
        });
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%s on 127.0.0.1:%d (pid %d)", name, port, process.pid());
    }
}
