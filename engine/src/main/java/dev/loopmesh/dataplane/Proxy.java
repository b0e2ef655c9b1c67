package dev.loopmesh.dataplane;

import dev.loopmesh.controlplane.ProxySnapshot;
import dev.loopmesh.internal.EventLoops;
import dev.loopmesh.internal.TimeScale;
import dev.loopmesh.policy.resilience.RetryPolicy;
import dev.loopmesh.policy.routing.ClusterConfig;
import dev.loopmesh.policy.routing.Endpoint;
import dev.loopmesh.policy.routing.LbPolicy;
import dev.loopmesh.policy.routing.Mirror;
import dev.loopmesh.policy.routing.RequestView;
import dev.loopmesh.policy.routing.RoutingDecision;
import dev.loopmesh.telemetry.RequestRecord;
import dev.loopmesh.telemetry.RequestSink;
import dev.loopmesh.telemetry.Telemetry;
import dev.loopmesh.telemetry.tracing.SpanRecord;
import dev.loopmesh.telemetry.tracing.TraceContext;
import dev.loopmesh.telemetry.tracing.Tracer;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.timeout.IdleStateHandler;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static java.util.Objects.requireNonNull;

/**
 * One Envoy: a sidecar (inbound and outbound listeners) or the ingress gateway (one listener). It
 * holds the snapshot the control plane pushed last, the live state of its clusters and its pool
 * of upstream connections; a request runs on the snapshot it started with.
 */
public final class Proxy implements AutoCloseable {
    static final String PEER_WORKLOAD_HEADER = "x-envoy-peer-metadata-id";
    static final String PEER_NAMESPACE_HEADER = "x-envoy-peer-metadata-namespace";

    /**
     * A listener to open: where, and what it does with requests.
     *
     * @param tcpService for {@link ListenerMode#OUTBOUND_TCP}: the {@link dev.loopmesh.policy.routing.TcpRoute#key service key}
     *                   it relays to; "" otherwise
     */
    public record Listener(String host, int port, ListenerMode mode, String tcpService) {
        public Listener {
            tcpService = tcpService == null ? "" : tcpService;
        }

        public Listener(String host, int port, ListenerMode mode) {
            this(host, port, mode, "");
        }
    }

    /** The control plane's answer from the proxy: ACK, or NACK with why. */
    public record PushResult(boolean ack, long version, String detail) {
    }

    private final ProxyIdentity identity;
    private final EventLoops loops;
    private final UpstreamPool pool;
    private final RequestSink sink;
    private final Telemetry telemetry;
    private volatile dev.loopmesh.policy.ratelimit.LocalRateLimiter rateLimiter;
    private io.netty.util.concurrent.ScheduledFuture<?> sweeper;
    private final Tracer tracer;
    private final TimeScale timeScale;
    private final Random random;
    private final AtomicReference<ProxySnapshot> snapshot = new AtomicReference<>();
    private final Map<String, ClusterRuntime> clusters = new ConcurrentHashMap<>();
    private final ClusterRuntime inbound;
    private final Map<String, ClusterRuntime> passthrough = new ConcurrentHashMap<>();
    private final RoutingDecision inboundDecision;
    private final List<Channel> listening = new ArrayList<>();
    private final Map<ListenerMode, Listener> listenerSpecs = new ConcurrentHashMap<>();
    private final Map<ListenerMode, Channel> listenerChannels = new ConcurrentHashMap<>();
    /** The outbound TCP listeners: service key → where it listens. */
    private final Map<String, InetSocketAddress> tcpListeners = new java.util.concurrent.ConcurrentSkipListMap<>();
    private final Map<String, Channel> tcpListenerChannels = new ConcurrentHashMap<>();
    private volatile dev.loopmesh.chaos.LinkFaultTable links;
    private final java.util.Set<ProxyExchange> inFlight = ConcurrentHashMap.newKeySet();
    /** mTLS, JWT and authorization hooks; null for a proxy without mesh security (plaintext everywhere). */
    private volatile dev.loopmesh.security.ProxySecurity security;
    /** Accepted downstream connections, closed with the proxy so that no request starts after it. */
    private final java.util.Set<Channel> accepted = ConcurrentHashMap.newKeySet();

    private Proxy(ProxyIdentity identity, EventLoops loops, Telemetry telemetry, TimeScale timeScale, long seed,
                  Endpoint app, int servicePort, dev.loopmesh.topology.Protocol protocol) {
        this.identity = requireNonNull(identity, "identity");
        this.loops = loops;
        this.pool = new UpstreamPool(loops);
        this.sink = telemetry;
        this.telemetry = telemetry;
        this.tracer = telemetry.tracer();
        this.timeScale = timeScale;
        this.random = new Random(seed);
        if (app != null) {
            String name = ClusterConfig.name("inbound", servicePort, "", identity.workload());
            this.inbound = new ClusterRuntime(new ClusterConfig(name, identity.workload(), "", app.port(), List.of(app),
                    new LbPolicy(LbPolicy.Kind.ROUND_ROBIN, null, null), null, null, "", "", protocol));
            String fqdn = identity.app() + "." + identity.namespace() + ".svc.cluster.local";
            this.inboundDecision = new RoutingDecision(RoutingDecision.Outcome.ROUTE, "", -1, "inbound|" + servicePort + "||",
                    name, fqdn, "", app.port(), null, null, null, null, null, RetryPolicy.NONE, null,
                    List.of(), 0, "", null, List.of());
        } else {
            this.inbound = null;
            this.inboundDecision = null;
        }
    }

    /** A sidecar in front of {@code app} (the pod's workload) with the given first snapshot. */
    public static Proxy sidecar(ProxyIdentity identity, EventLoops loops, Telemetry telemetry, TimeScale timeScale,
                                long seed, Endpoint app, int servicePort, ProxySnapshot initial) {
        return sidecar(identity, loops, telemetry, timeScale, seed, app, servicePort, dev.loopmesh.topology.Protocol.HTTP, initial);
    }

    /** A sidecar in front of an app that speaks {@code protocol} (HTTP/2 and gRPC apps are reached over h2c). */
    public static Proxy sidecar(ProxyIdentity identity, EventLoops loops, Telemetry telemetry, TimeScale timeScale,
                                long seed, Endpoint app, int servicePort, dev.loopmesh.topology.Protocol protocol,
                                ProxySnapshot initial) {
        Proxy p = new Proxy(identity, loops, telemetry, timeScale, seed, app, servicePort, protocol);
        p.push(initial);
        return p;
    }

    public static Proxy gateway(ProxyIdentity identity, EventLoops loops, Telemetry telemetry, TimeScale timeScale,
                                long seed, ProxySnapshot initial) {
        Proxy p = new Proxy(identity, loops, telemetry, timeScale, seed, null, 0, dev.loopmesh.topology.Protocol.HTTP);
        p.push(initial);
        return p;
    }

    /** Opens the listeners; the future's addresses are where they are bound. */
    public List<InetSocketAddress> listen(List<Listener> listeners) {
        List<InetSocketAddress> bound = new ArrayList<>();
        for (Listener l : listeners) {
            Channel ch = bind(l);
            bound.add((InetSocketAddress) ch.localAddress());
        }
        if (sweeper == null) {
            // Envoy sweeps ejected hosts back at each outlier-detection interval; 100 ms is finer than any of them
            sweeper = loops.group().next().scheduleAtFixedRate(() -> {
                long now = System.nanoTime();
                clusters.values().forEach(c -> c.sweep(now));
            }, 100, 100, TimeUnit.MILLISECONDS);
        }
        return bound;
    }

    private Channel bind(Listener l) {
        {
            ServerBootstrap b = new ServerBootstrap()
                    .group(loops.group(), loops.childGroup())
                    .channel(loops.serverChannel())
                    .option(ChannelOption.SO_REUSEADDR, true)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            accepted.add(ch);
                            ch.closeFuture().addListener(f -> accepted.remove(ch));
                            if (l.mode() == ListenerMode.OUTBOUND_TCP) {
                                OutboundTcpRelay.install(Proxy.this, ch, l.tcpService());
                                return;
                            }
                            ch.pipeline()
                                    .addLast("idle", new IdleStateHandler(0, 0, 3600, TimeUnit.SECONDS) {
                                        @Override
                                        protected void channelIdle(ChannelHandlerContext ctx, io.netty.handler.timeout.IdleStateEvent evt) {
                                            ctx.close();
                                        }
                                    })
                                    .addLast("headers-timeout", new RequestHeadersTimeout(10, TimeUnit.SECONDS))
                                    .addLast("detect", new ProtocolDetector(Proxy.this, l.mode()));
                            dev.loopmesh.security.ProxySecurity sec = security;
                            if (sec != null && l.mode() == ListenerMode.INBOUND) {
                                ch.pipeline().addBefore("headers-timeout", "mtls", sec.inboundHandler(() -> snapshot.get().inbound(), identity.proxy()));
                            }
                        }
                    });
            Channel ch = b.bind(l.host(), l.port()).syncUninterruptibly().channel();
            listening.add(ch);
            if (l.mode() == ListenerMode.OUTBOUND_TCP) {
                tcpListeners.put(l.tcpService(), (InetSocketAddress) ch.localAddress());
                tcpListenerChannels.put(l.tcpService(), ch);
                return ch;
            }
            listenerSpecs.put(l.mode(), l);
            listenerChannels.put(l.mode(), ch);
            return ch;
        }
    }

    /**
     * Chaos: closes the inbound listener so that new connections are refused (ECONNREFUSED), or opens it
     * again on the same address.
     */
    public synchronized void refuseInbound(boolean refuse) {
        Listener l = listenerSpecs.get(ListenerMode.INBOUND);
        if (l == null) {
            throw new IllegalArgumentException(identity.proxy() + " has no inbound listener");
        }
        Channel ch = listenerChannels.get(ListenerMode.INBOUND);
        if (refuse && ch != null && ch.isOpen()) {
            ch.close().syncUninterruptibly();
            listening.remove(ch);
        } else if (!refuse && (ch == null || !ch.isOpen())) {
            bind(l);
        }
    }

    /**
     * Closes the outbound TCP listener for {@code key} (its ServiceEntry is gone), as Envoy removes a listener
     * its config no longer has; connections already open on it go on.
     */
    public synchronized void closeTcpListener(String key) {
        Channel ch = tcpListenerChannels.remove(key);
        tcpListeners.remove(key);
        if (ch != null) {
            listening.remove(ch);
            ch.close().syncUninterruptibly();
        }
    }

    /** The outbound TCP listeners this proxy opened: service key → address (for describe and the admin API). */
    public Map<String, InetSocketAddress> tcpListeners() {
        return Map.copyOf(tcpListeners);
    }

    /** The chaos link faults this proxy applies to the hops it originates. */
    public void links(dev.loopmesh.chaos.LinkFaultTable table) {
        this.links = table;
    }

    /** The link fault from this proxy's workload to {@code e}, or {@link dev.loopmesh.chaos.LinkFault#NONE}. */
    dev.loopmesh.chaos.LinkFault linkFault(Endpoint e) {
        dev.loopmesh.chaos.LinkFaultTable t = links;
        if (t == null || e.workload().isEmpty()) {
            return dev.loopmesh.chaos.LinkFault.NONE;
        }
        return t.lookup(new dev.loopmesh.chaos.LinkPeer(identity.app(), identity.workload(), identity.proxy()),
                new dev.loopmesh.chaos.LinkPeer(e.labels().getOrDefault("app", ""), e.workload(), e.pod()));
    }

    /** Applies a snapshot from the control plane: all of it, or nothing (NACK). */
    public PushResult push(ProxySnapshot s) {
        requireNonNull(s, "snapshot");
        ProxySnapshot current = snapshot.get();
        if (current != null && s.version() < current.version()) {
            return new PushResult(false, s.version(), "stale version " + s.version() + " < " + current.version());
        }
        // the translator validated the clusters once per shape, not once per proxy
        if (!s.invalid().isEmpty()) {
            return new PushResult(false, s.version(), s.invalid());
        }
        // the snapshot first: a cluster made from here on is made from it; then the live ones follow it.
        // Cluster state is made on first use, as most of a sidecar's clusters (one per service it can
        // see) never carry a request: an idle pod costs little and a push stays O(clusters in use).
        snapshot.set(s);
        for (Iterator<Map.Entry<String, ClusterRuntime>> it = clusters.isEmpty() ? java.util.Collections.emptyIterator()
                : clusters.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, ClusterRuntime> e = it.next();
            ClusterConfig c = s.clusters().get(e.getKey());
            if (c == null) {
                it.remove();
            } else {
                e.getValue().update(c);
            }
        }
        var limit = s.inbound().rateLimit();
        var limiter = rateLimiter;
        if (limit == null) {
            rateLimiter = null;
        } else if (limiter == null || !limiter.config().equals(limit)) {
            // buckets keep their tokens across pushes that leave the limit as it was
            rateLimiter = new dev.loopmesh.policy.ratelimit.LocalRateLimiter(limit, timeScale, System.nanoTime());
        }
        return new PushResult(true, s.version(), "");
    }

    public ProxySnapshot snapshot() {
        return snapshot.get();
    }

    /** Turns on mesh security (mTLS in and out, JWT, authorization): set before {@link #listen}. */
    public void security(dev.loopmesh.security.ProxySecurity s) {
        this.security = s;
        pool.security(s);
    }

    public dev.loopmesh.security.ProxySecurity security() {
        return security;
    }

    public ProxyIdentity identity() {
        return identity;
    }

    ClusterRuntime cluster(String name) {
        ClusterRuntime rt = clusters.get(name);
        if (rt != null) {
            return rt;
        }
        ProxySnapshot s = snapshot.get();
        ClusterConfig c = s == null ? null : s.clusters().get(name);
        if (c == null) {
            return null;
        }
        rt = clusters.computeIfAbsent(name, n -> new ClusterRuntime(c, timeScale, this::outlierEvent));
        ProxySnapshot now = snapshot.get();
        if (now != s) {
            // a push raced with this first use: follow the newer snapshot as the push does
            ClusterConfig latest = now.clusters().get(name);
            if (latest == null) {
                clusters.remove(name, rt);
            } else {
                rt.update(latest);
            }
        }
        return rt;
    }

    /**
     * Istio's PassthroughCluster (outboundTrafficPolicy ALLOW_ANY): the original destination, here the
     * host and port the app addressed. Only loopback destinations are reached; anything else is
     * refused, so no traffic leaves the machine.
     */
    ClusterRuntime passthrough(String authority) {
        String host = authority;
        int port = 80;
        int colon = authority.lastIndexOf(':');
        if (colon > 0 && authority.indexOf(']') < colon) {
            host = authority.substring(0, colon);
            try {
                port = Integer.parseInt(authority.substring(colon + 1));
            } catch (NumberFormatException e) {
                return null;
            }
        }
        if (!isLoopback(host)) {
            return null;
        }
        String key = "PassthroughCluster|" + host + ":" + port;
        String h = host;
        int p = port;
        return passthrough.computeIfAbsent(key, k -> new ClusterRuntime(new ClusterConfig("PassthroughCluster", h, "", p,
                List.of(new Endpoint(h + ":" + p, "", h, p, Map.of(), false, "", "")), null, null, null, "", "")));
    }

    private static boolean isLoopback(String host) {
        return host.equals("localhost") || host.startsWith("127.") || host.equals("[::1]") || host.equals("::1");
    }

    dev.loopmesh.internal.EventLoops eventLoops() {
        return loops;
    }

    boolean inboundIsTcp() {
        return inbound != null && inbound.config().protocol() == dev.loopmesh.topology.Protocol.TCP;
    }

    /**
     * Who a downstream connection of this pod's tcp service is between (Istio's TCP labels, destination
     * reporter); over mTLS the caller's SPIFFE id gives the source principal and namespace.
     */
    dev.loopmesh.telemetry.metrics.TcpLabels inboundTcpLabels(Channel down) {
        String peer = dev.loopmesh.security.MeshTls.peerId(down);
        dev.loopmesh.security.ProxySecurity sec = security;
        boolean mtls = !peer.isEmpty();
        return new dev.loopmesh.telemetry.metrics.TcpLabels("destination", "unknown",
                mtls ? dev.loopmesh.ca.SpiffeId.namespace(peer) : "unknown", peer,
                identity.workload(), identity.namespace(), mtls && sec != null ? sec.spiffeId() : "", identity.version(),
                identity.app() + "." + identity.namespace() + ".svc.cluster.local", "-", mtls);
    }

    /**
     * Who a connection this proxy relays toward {@code e} (null when none was chosen) of {@code service} is
     * between (source reporter): {@code peer} is the server's SPIFFE id verified over mTLS, "" otherwise, and
     * names this proxy's own principal beside it; {@code flags} is how the connection ended when it never
     * reached the upstream, "-" otherwise.
     */
    dev.loopmesh.telemetry.metrics.TcpLabels sourceTcpLabels(String service, Endpoint e, String peer, String flags) {
        dev.loopmesh.security.ProxySecurity sec = security;
        boolean mtls = peer != null && !peer.isEmpty();
        return new dev.loopmesh.telemetry.metrics.TcpLabels("source", identity.workload(), identity.namespace(),
                mtls && sec != null ? sec.spiffeId() : "", e == null ? "unknown" : orUnknown(e.workload()),
                e == null ? "unknown" : orUnknown(e.namespace()), mtls ? peer : "",
                e == null ? "unknown" : e.labels().getOrDefault("version", "unknown"), service, flags, mtls);
    }

    ClusterRuntime inboundCluster() {
        return inbound;
    }

    RoutingDecision inboundDecision() {
        return inboundDecision;
    }

    UpstreamPool pool() {
        return pool;
    }

    Random random() {
        return random;
    }

    TimeScale timeScale() {
        return timeScale;
    }

    String newRequestId() {
        return UUID.randomUUID().toString();
    }

    String sourceIp(Channel ch) {
        Channel c = ch.parent() != null && !(ch.remoteAddress() instanceof InetSocketAddress) ? ch.parent() : ch;
        return c.remoteAddress() instanceof InetSocketAddress ? ((InetSocketAddress) c.remoteAddress()).getAddress().getHostAddress() : "";
    }

    RequestView requestView(FullHttpRequest req, Channel ch) {
        Map<String, List<String>> headers = new HashMap<>();
        for (Map.Entry<String, String> e : req.headers()) {
            headers.computeIfAbsent(e.getKey().toLowerCase(Locale.ROOT), k -> new ArrayList<>(1)).add(e.getValue());
        }
        String authority = req.headers().get(HttpHeaderNames.HOST, "");
        String uri = req.uri();
        if (uri.startsWith("http://")) {
            int slash = uri.indexOf('/', 7);
            if (authority.isEmpty()) {
                authority = slash < 0 ? uri.substring(7) : uri.substring(7, slash);
            }
            uri = slash < 0 ? "/" : uri.substring(slash);
        }
        int port = 80;
        int colon = authority.lastIndexOf(':');
        if (colon > 0 && authority.indexOf(']') < colon) {
            try {
                port = Integer.parseInt(authority.substring(colon + 1));
            } catch (NumberFormatException ignored) {
                port = 80;
            }
        }
        return new RequestView(req.method().name(), "http", authority, uri, port, headers, sourceIp(ch));
    }

    Tracer tracer() {
        return tracer;
    }

    /** Records a finished span of this proxy; durations in configured time, as everything users see. */
    void finishSpan(TraceContext span, String name, SpanRecord.Kind kind, long realNanos, int status, String flags,
                    String cluster, String requestId) {
        if (!span.sampled()) {
            return;
        }
        long configuredMicros = timeScale.toConfiguredNanos(realNanos) / 1000;
        long startMicros = Tracer.epochMicros(System.nanoTime()) - configuredMicros;
        tracer.finish(span, name, identity.app() + "." + identity.namespace(), identity.proxy(), kind, startMicros,
                configuredMicros, status, flags, Map.of("upstream_cluster", cluster, "guid:x-request-id", requestId));
    }

    void addPeerMetadata(HttpHeaders h) {
        h.set(PEER_WORKLOAD_HEADER, identity.workload());
        h.set(PEER_NAMESPACE_HEADER, identity.namespace());
    }

    void mirror(EventLoop loop, Mirror m, FullHttpRequest request, String authority) {
        ClusterRuntime c = cluster(m.cluster());
        if (c != null) {
            Mirroring.send(this, loop, c, request, m.authority() == null || m.authority().isEmpty() ? authority : m.authority());
        }
    }

    /** Outlier detection: each attempt's outcome, 5xx or a local-origin failure (connect, reset, timeout). */
    void outlier(ClusterRuntime cluster, Endpoint endpoint, int status, boolean localOrigin) {
        cluster.report(endpoint, status, localOrigin);
    }

    private void outlierEvent(dev.loopmesh.policy.resilience.outlier.OutlierEvent e) {
        boolean ejected = e.type() == dev.loopmesh.policy.resilience.outlier.OutlierEvent.Type.EJECTED;
        telemetry.events().add("outlier", e.type().name(), e.pod() + " in " + e.cluster(),
                identity.proxy() + ": " + e.describe(), List.of(identity.proxy()), 0);
        if (ejected) {
            telemetry.metrics().proxyCounters().ejection(identity.proxy(), e.cluster());
        } else {
            telemetry.metrics().proxyCounters().unejection(identity.proxy(), e.cluster());
        }
    }

    /** The pod's local rate limiter, or null when none applies. */
    dev.loopmesh.policy.ratelimit.LocalRateLimiter rateLimiter() {
        return rateLimiter;
    }

    Telemetry telemetry() {
        return telemetry;
    }

    void recordRequest(ProxyExchange ex, int status, long responseBytes) {
        FullHttpRequest req = ex.request();
        RoutingDecision d = ex.decision();
        Endpoint e = ex.endpoint();
        boolean inboundMode = ex.mode() == ListenerMode.INBOUND;
        String source = inboundMode ? orUnknown(ex.sourceWorkload()) : identity.workload();
        String sourceNs = inboundMode ? orUnknown(ex.sourceNamespace()) : identity.namespace();
        String destWorkload = inboundMode ? identity.workload() : e == null ? "unknown" : orUnknown(e.workload());
        String destNs = inboundMode ? identity.namespace() : e == null ? "unknown" : orUnknown(e.namespace());
        String destService = d == null || d.destinationHost().isEmpty() ? hostOnly(ex.authority()) : d.destinationHost();
        String destVersion = inboundMode ? identity.version() : e == null ? "unknown" : e.labels().getOrDefault("version", "unknown");
        List<String> trace = ex.timeline().lines(timeScale::toConfiguredNanos);
        long durationNanos = timeScale.toConfiguredNanos(System.nanoTime() - ex.startNanos());
        String peer = ex.peerId();
        String self = peer.isEmpty() || security == null ? "" : security.spiffeId();
        String sourcePrincipal = inboundMode ? peer : self;
        String destinationPrincipal = inboundMode ? self : peer;
        sink.record(RequestRecord.builder()
                .reporter(inboundMode ? "destination" : "source")
                .proxy(identity.proxy())
                .startEpochMillis(System.currentTimeMillis() - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - ex.startNanos()))
                .method(req.method().name())
                .path(req.uri())
                .protocol(ex.grpc() ? "grpc" : "http")
                .authority(ex.authority())
                .status(status)
                .responseFlags(ResponseFlag.format(ex.flags()))
                .sourceWorkload(source)
                .sourceNamespace(sourceNs)
                .sourcePrincipal(sourcePrincipal)
                .destinationWorkload(destWorkload)
                .destinationNamespace(destNs)
                .destinationService(destService)
                .destinationPrincipal(destinationPrincipal)
                .destinationVersion(destVersion)
                .routeName(d == null ? "" : d.routeName())
                .upstreamCluster(d == null ? "" : d.cluster())
                .upstreamHost(e == null ? "-" : e.hostPort())
                .attempts(ex.attempts())
                .durationMicros(durationNanos / 1000)
                .upstreamServiceMicros(timeScale.toConfiguredNanos(ex.upstreamNanos()) / 1000)
                .requestBytes(ex.requestBytes())
                .responseBytes(responseBytes)
                .mtls(!peer.isEmpty())
                .requestId(req.headers().get("x-request-id", ""))
                .userAgent(req.headers().get(HttpHeaderNames.USER_AGENT, "-"))
                .downstreamAddress(sourceIp(ex.downstream().channel()))
                .trace(trace)
                .grpcStatus(ex.grpcStatus())
                .build());
    }

    void recordProtocolError(ChannelHandlerContext ctx, int status, String why) {
        sink.record(RequestRecord.builder()
                .reporter("source")
                .proxy(identity.proxy())
                .startEpochMillis(System.currentTimeMillis())
                .method("-")
                .path("-")
                .protocol("http")
                .authority("-")
                .status(status)
                .responseFlags(ResponseFlag.DPE.name())
                .sourceWorkload("unknown")
                .sourceNamespace("unknown")
                .destinationWorkload("unknown")
                .destinationNamespace("unknown")
                .destinationService("unknown")
                .destinationVersion("unknown")
                .upstreamHost("-")
                .userAgent("-")
                .downstreamAddress(sourceIp(ctx.channel()))
                .trace(List.of(why))
                .build());
    }

    private static String orUnknown(String s) {
        return s == null || s.isEmpty() ? "unknown" : s;
    }

    private static String hostOnly(String authority) {
        if (authority == null) {
            return "unknown";
        }
        int colon = authority.lastIndexOf(':');
        return colon > 0 && authority.indexOf(']') < colon ? authority.substring(0, colon) : authority;
    }

    void started(ProxyExchange ex) {
        inFlight.add(ex);
    }

    void finished(ProxyExchange ex) {
        inFlight.remove(ex);
    }

    @Override
    public void close() {
        if (sweeper != null) {
            sweeper.cancel(false);
        }
        for (Channel ch : listening) {
            ch.close().syncUninterruptibly();
        }
        listening.clear();
        for (Channel ch : List.copyOf(accepted)) {
            ch.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        }
        // requests still in flight end as their client went away (DC), so nothing they hold outlives the proxy
        for (ProxyExchange ex : List.copyOf(inFlight)) {
            io.netty.util.concurrent.EventExecutor loop = ex.downstream().executor();
            if (!loop.isShuttingDown()) {
                loop.submit(ex::downstreamClosed).awaitUninterruptibly(2, TimeUnit.SECONDS);
            }
        }
        pool.closeAll();
    }
}
