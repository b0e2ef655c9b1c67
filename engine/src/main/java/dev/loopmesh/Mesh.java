package dev.loopmesh;

import dev.loopmesh.controlplane.ApplyResult;
import dev.loopmesh.controlplane.ControlPlane;
import dev.loopmesh.controlplane.PodInfo;
import dev.loopmesh.controlplane.ProxySnapshot;
import dev.loopmesh.controlplane.Registry;
import dev.loopmesh.controlplane.RegistryPlanner;
import dev.loopmesh.controlplane.Translator;
import dev.loopmesh.dataplane.Proxy;
import dev.loopmesh.dataplane.ProxyIdentity;
import dev.loopmesh.internal.EventLoops;
import dev.loopmesh.policy.routing.Endpoint;
import dev.loopmesh.telemetry.EdgeSnapshot;
import dev.loopmesh.telemetry.Telemetry;
import dev.loopmesh.topology.MeshResource;
import dev.loopmesh.topology.Problem;
import dev.loopmesh.topology.Severity;
import dev.loopmesh.topology.Topology;
import dev.loopmesh.topology.TopologyException;
import dev.loopmesh.topology.TrafficClientSpec;
import dev.loopmesh.traffic.LoadGenerator;
import dev.loopmesh.traffic.TrafficTarget;
import dev.loopmesh.workload.ServiceResolver;
import dev.loopmesh.workload.Workloads;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The one facade the app and the CLI use: start a mesh from a topology, apply config, read its
 * state, stop it. Everything listens on loopback only.
 */
public final class Mesh implements AutoCloseable {
    private static final AtomicInteger NEXT_BLOCK = new AtomicInteger(1);

    private final Topology topology;
    private final MeshOptions options;
    private final EventLoops loops;
    private final Registry registry;
    private final Telemetry telemetry = new Telemetry();
    private final ControlPlane controlPlane;
    private final Map<String, Proxy> proxies = new LinkedHashMap<>();
    private final boolean perPodAddresses;
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private final java.util.Random random;
    private InetSocketAddress ingress;
    private Workloads workloads;
    private LoadGenerator load;
    private dev.loopmesh.admin.AdminServer admin;
    private dev.loopmesh.chaos.LinkFaultTable links;
    private dev.loopmesh.chaos.ChaosEngine chaos;
    private ScheduledFuture<?> ticker;
    private dev.loopmesh.security.MeshSecurity security;
    private volatile boolean closed;

    private Mesh(Topology topology, MeshOptions options, Translator translator) {
        this.topology = topology;
        this.options = options;
        int block = freeBlock();
        this.perPodAddresses = block > 0;
        List<String> entryTcp = dev.loopmesh.controlplane.istio.ServiceEntries.tcpKeys(topology.mesh(), topology.resources());
        this.registry = perPodAddresses ? RegistryPlanner.perPodAddresses(topology.mesh(), block, entryTcp)
                : RegistryPlanner.sharedLoopback(topology.mesh(), entryTcp);
        this.controlPlane = new ControlPlane(translator, registry, Clock.systemUTC(), 2000);
        this.loops = EventLoops.ofCores();
        this.random = new java.util.Random(options.seed());
        // sampling draws happen on every event loop: each from its own thread's generator
        telemetry.tracer().sampler(dev.loopmesh.telemetry.tracing.Sampler.percent(options.traceSampling(),
                (java.util.random.RandomGenerator) () -> java.util.concurrent.ThreadLocalRandom.current().nextLong()));
    }

    /**
     * Starts everything: control plane, workloads, one sidecar per pod, the gateway, the admin API and
     * (if asked) the load. Resources of the topology that the control plane rejects stop the start.
     *
     * @throws TopologyException when a resource of the topology is invalid
     * @throws MeshStartException when an address cannot be bound
     */
    public static Mesh start(Topology topology, MeshOptions options) {
        return start(topology, options, new dev.loopmesh.controlplane.MeshTranslator());
    }

    /** Starts with another control-plane translation (tests of the data plane use a simpler one). */
    public static Mesh start(Topology topology, MeshOptions options, Translator translator) {
        for (int tries = 1; ; tries++) {
            Mesh mesh = new Mesh(topology, options, translator);
            try {
                mesh.startAll();
                return mesh;
            } catch (PodAddressTaken e) {
                mesh.close();
                // another mesh on this machine holds part of this block of 127/8: take the next block
                if (tries == 20) {
                    throw new MeshStartException("no free block of loopback addresses after 20 tries: " + e.getMessage(), e);
                }
            } catch (RuntimeException e) {
                mesh.close();
                throw e;
            }
        }
    }

    /** A pod's own address and port is held by someone else. */
    private static final class PodAddressTaken extends RuntimeException {
        private static final long serialVersionUID = 1L;

        PodAddressTaken(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private void startAll() {
        List<Problem> problems = new ArrayList<>();
        for (MeshResource r : topology.resources()) {
            controlPlane.translator().validate(r, registry, topology.resources()).stream().filter(p -> p.severity() == Severity.ERROR).forEach(problems::add);
        }
        if (!problems.isEmpty()) {
            throw new TopologyException(problems);
        }
        controlPlane.setListener(e -> telemetry.events().add("config", e.type().name(), e.resource(), e.detail(), e.proxies(),
                e.version()));
        var chaosDocs = dev.loopmesh.chaos.ChaosBinder.bind(topology.resources(), dev.loopmesh.controlplane.MeshTranslator.names(registry));
        if (chaosDocs.hasErrors()) {
            throw new TopologyException(chaosDocs.problems());
        }
        Map<String, ProxySnapshot> snapshots = controlPlane.initialSnapshots(topology.resources());
        for (dev.loopmesh.topology.WorkloadSpec w : topology.mesh().workloads()) {
            telemetry.metrics().workloads().register(w.name(), w.service(), w.version());
        }
        try {
            workloads = Workloads.start(registry, loops, options.timeScale(), resolver(), new java.util.SplittableRandom(options.seed()),
                            telemetry.tracer())
                    .get(30, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            if (perPodAddresses && String.valueOf(e.getCause().getMessage()).contains("already in use")) {
                throw new PodAddressTaken(e.getCause().getMessage(), e.getCause());
            }
            throw new MeshStartException("cannot start the workloads: " + e.getCause().getMessage(), e.getCause());
        } catch (java.util.concurrent.TimeoutException | InterruptedException e) {
            throw new MeshStartException("the workloads did not start within 30s", e);
        }
        security = dev.loopmesh.security.MeshSecurity.start(topology.resources(), options.timeScale(), controlPlane, Clock.systemUTC());
        dev.loopmesh.security.SecurityEvents.attach(security, telemetry.events(), this::proxiesWithIdentity);
        long seed = options.seed();
        for (PodInfo pod : registry.pods()) {
            if (!pod.sidecar()) {
                continue;
            }
            ProxySnapshot s = snapshots.get(pod.name());
            ProxyIdentity id = new ProxyIdentity(pod.name(), pod.workload(), pod.namespace(), pod.service(), pod.version(), "",
                    pod.address());
            Endpoint app = new Endpoint(pod.name(), pod.workload(), pod.appHost(), pod.appPort(), pod.labels(), false,
                    pod.serviceAccount(), pod.namespace());
            Proxy p = Proxy.sidecar(id, loops, telemetry, options.timeScale(), seed++, app, pod.servicePort(), pod.protocol(), s);
            proxies.put(pod.name(), p);
            p.security(security.proxy(pod.namespace(), pod.serviceAccount(), pod.labels(), pod.servicePort()));
            List<Proxy.Listener> listeners = new ArrayList<>(List.of(new Proxy.Listener(pod.address(), pod.inboundPort(), inbound()),
                    new Proxy.Listener(pod.address(), pod.outboundPort(), outbound())));
            pod.tcpOutbound().forEach((service, port) -> listeners.add(new Proxy.Listener(pod.address(), port,
                    dev.loopmesh.dataplane.ListenerMode.OUTBOUND_TCP, service)));
            bind(p, listeners);
        }
        links = new dev.loopmesh.chaos.LinkFaultTable(options.timeScale());
        for (Proxy p : proxies.values()) {
            p.links(links);
        }
        ProxyIdentity gw = new ProxyIdentity(Registry.GATEWAY, Registry.GATEWAY, Registry.GATEWAY_NAMESPACE,
                "istio-ingressgateway", "", "", "127.0.0.1");
        Proxy gateway = Proxy.gateway(gw, loops, telemetry, options.timeScale(), seed, snapshots.get(Registry.GATEWAY));
        proxies.put(Registry.GATEWAY, gateway);
        gateway.links(links);
        gateway.security(security.proxy(Registry.GATEWAY_NAMESPACE, dev.loopmesh.security.MeshSecurity.GATEWAY_SERVICE_ACCOUNT,
                dev.loopmesh.controlplane.istio.IstioTranslator.GATEWAY_LABELS, 0));
        ingress = bind(gateway, List.of(new Proxy.Listener("127.0.0.1", options.ingressPort(), gatewayMode()))).get(0);
        chaos = new dev.loopmesh.chaos.ChaosEngine(new MeshPods(this), links,
                dev.loopmesh.chaos.ChaosScheduler.of(loops.group()), options.timeScale(), Clock.systemUTC(),
                e -> telemetry.events().add("chaos", e.type().name(), e.id(), e.description()
                        + (e.detail().isEmpty() ? "" : ": " + e.detail()), List.of(), 0));
        for (var spec : chaosDocs.specs()) {
            chaos.apply(spec);
        }
        controlPlane.setPusher((proxy, snapshot) -> {
            Proxy p = proxies.get(proxy);
            if (p == null) {
                return "no such proxy";
            }
            Proxy.PushResult r = p.push(snapshot);
            if (r.ack()) {
                openTcpListeners(proxy, p, snapshot);
            }
            return r.ack() ? null : r.detail();
        });
        ticker = loops.group().next().scheduleAtFixedRate(telemetry::tick, 1, 1, TimeUnit.SECONDS);
        security.startRotation();
        if (options.adminPort() >= 0) {
            try {
                admin = new dev.loopmesh.admin.AdminServer(loops, options.adminPort(), new dev.loopmesh.admin.AdminApi(this, this::parseResources));
            } catch (RuntimeException e) {
                throw new MeshStartException("cannot listen on 127.0.0.1:" + options.adminPort() + " for the admin API: " + e.getMessage()
                        + " — is another mesh running? Try --admin-port 0", e);
            }
        }
        load = new LoadGenerator(loops, options.timeScale(), new java.util.SplittableRandom(options.seed() + 7));
        for (TrafficClientSpec c : topology.mesh().traffic()) {
            load.add(c, target(c));
        }
        if (options.traffic()) {
            load.start();
        }
    }

    /** The proxies that present {@code spiffeId}: the sidecars of its service account's pods, or the gateway. */
    private List<String> proxiesWithIdentity(String spiffeId) {
        List<String> out = new ArrayList<>();
        String td = security.trustDomain();
        if (spiffeId.equals(dev.loopmesh.ca.SpiffeId.of(td, Registry.GATEWAY_NAMESPACE, dev.loopmesh.security.MeshSecurity.GATEWAY_SERVICE_ACCOUNT))) {
            out.add(Registry.GATEWAY);
        }
        for (PodInfo p : registry.pods()) {
            if (p.sidecar() && spiffeId.equals(dev.loopmesh.ca.SpiffeId.of(td, p.namespace(), p.serviceAccount()))) {
                out.add(p.name());
            }
        }
        return out;
    }

    private TrafficTarget target(TrafficClientSpec c) {
        if (c.target().equals("ingress")) {
            return TrafficTarget.fixed(ingress, "127.0.0.1:" + ingress.getPort());
        }
        String ns = topology.mesh().namespace();
        int port = topology.mesh().service(c.target(), ns).map(dev.loopmesh.topology.ServiceSpec::port).orElse(80);
        return TrafficTarget.service(resolver(), c.target(), ns, port);
    }

    /** Parses a YAML text of resources (as {@code kubectl apply -f} takes), in this mesh's namespace. */
    public List<MeshResource> parseResources(String yaml) {
        return new dev.loopmesh.topology.TopologyLoader().loadResources("request.yaml", yaml, topology.mesh());
    }

    public Optional<dev.loopmesh.admin.AdminServer> admin() {
        return Optional.ofNullable(admin);
    }

    /** Kubernetes' kube-proxy for callers outside the mesh: a random pod of the service. */
    public ServiceResolver resolver() {
        return (service, namespace) -> {
            List<PodInfo> pods = registry.podsOf(service, namespace);
            if (pods.isEmpty()) {
                return null;
            }
            PodInfo p = pods.get(random.nextInt(pods.size()));
            return new InetSocketAddress(p.address(), p.connectPort());
        };
    }

    /** Infrastructure faults: kill, pause or cut pods and links (what no policy can express). */
    public dev.loopmesh.chaos.ChaosEngine chaos() {
        return chaos;
    }

    /** The mesh's timeline: config pushes and rejections, chaos, ejections. */
    public dev.loopmesh.telemetry.EventLog events() {
        return telemetry.events();
    }

    /** The emulated apps, one server per pod. */
    public Workloads workloads() {
        return workloads;
    }

    /** The load clients of the topology (started only when the options ask for traffic). */
    public LoadGenerator load() {
        return load;
    }

    private static dev.loopmesh.dataplane.ListenerMode inbound() {
        return dev.loopmesh.dataplane.ListenerMode.INBOUND;
    }

    private static dev.loopmesh.dataplane.ListenerMode outbound() {
        return dev.loopmesh.dataplane.ListenerMode.OUTBOUND;
    }

    private static dev.loopmesh.dataplane.ListenerMode gatewayMode() {
        return dev.loopmesh.dataplane.ListenerMode.GATEWAY;
    }

    private List<InetSocketAddress> bind(Proxy p, List<Proxy.Listener> listeners) {
        try {
            return p.listen(listeners);
        } catch (Exception e) { // Netty rethrows the bind's IOException unchecked
            p.close();
            Proxy.Listener l = listeners.get(0);
            if (perPodAddresses && !l.host().equals("127.0.0.1")) {
                throw new PodAddressTaken(l.host() + ":" + l.port() + " " + e.getMessage(), e);
            }
            throw new MeshStartException("cannot listen on " + l.host() + ":" + l.port() + " for " + p.identity().proxy() + ": "
                    + e.getMessage() + (l.port() == options.ingressPort() ? " — is another mesh running? Try --ingress-port 0" : ""), e);
        }
    }

    /**
     * A ServiceEntry applied to a running mesh can bring TCP ports: each sidecar opens their outbound
     * listeners with the push that routes them (on the port's number on the pod's address where free, else
     * from {@link RegistryPlanner#TCP_OUTBOUND_BASE}; any port on a shared 127.0.0.1), as at start.
     * Such a listener is closed when no route names its port any more (its ServiceEntry deleted).
     */
    private void openTcpListeners(String proxyName, Proxy p, ProxySnapshot snapshot) {
        PodInfo pod = registry.pod(proxyName).orElse(null);
        if (pod == null || !pod.sidecar()) {
            return;
        }
        Map<String, InetSocketAddress> open = p.tcpListeners();
        for (String key : open.keySet()) {
            // only those opened here: the ones planned at start stay (a port no route names answers NR)
            if (!snapshot.tcpRoutes().containsKey(key) && !pod.tcpOutbound().containsKey(key)) {
                p.closeTcpListener(key);
            }
        }
        if (open.keySet().containsAll(snapshot.tcpRoutes().keySet())) {
            return; // most pushes: nothing new to listen for
        }
        java.util.Set<Integer> used = RegistryPlanner.ownPorts(pod);
        open.values().forEach(a -> used.add(a.getPort()));
        for (String key : snapshot.tcpRoutes().keySet()) {
            if (open.containsKey(key)) {
                continue;
            }
            int wanted = Integer.parseInt(key.substring(key.lastIndexOf(':') + 1));
            for (int tries = 0; tries < 20; tries++) {
                // a port taken by something else on this address: the planner's next choice
                int port = perPodAddresses ? RegistryPlanner.tcpListenerPort(wanted, used) : 0;
                try {
                    p.listen(List.of(new Proxy.Listener(pod.address(), port, dev.loopmesh.dataplane.ListenerMode.OUTBOUND_TCP, key)));
                    break;
                } catch (RuntimeException e) {
                    if (!perPodAddresses) {
                        break;
                    }
                }
            }
        }
    }

    /** A block of 127/8 free on this machine, or 0 when only 127.0.0.1 is routed. */
    private static int freeBlock() {
        for (int i = 0; i < 254; i++) {
            int block = (NEXT_BLOCK.getAndIncrement() - 1) % 254 + 1;
            if (!RegistryPlanner.perPodAddressesWork(block)) {
                return 0;
            }
            try (ServerSocket s = new ServerSocket()) {
                s.bind(new InetSocketAddress(InetAddress.getByName("127." + block + ".0.1"), RegistryPlanner.OUTBOUND_PORT));
                return block;
            } catch (IOException inUse) {
                // another mesh holds this block: try the next
            }
        }
        return 0;
    }

    public Topology topology() {
        return topology;
    }

    public MeshOptions options() {
        return options;
    }

    public Registry registry() {
        return registry;
    }

    public Telemetry telemetry() {
        return telemetry;
    }

    /** The CA, workload certificates and mTLS runtime. */
    public dev.loopmesh.security.MeshSecurity security() {
        return security;
    }

    public ControlPlane controlPlane() {
        return controlPlane;
    }

    public EventLoops eventLoops() {
        return loops;
    }

    /** Whether each pod has its own loopback address (false where only 127.0.0.1 is routed). */
    public boolean perPodAddresses() {
        return perPodAddresses;
    }

    public InetSocketAddress ingressAddress() {
        return ingress;
    }

    public Optional<Proxy> proxy(String name) {
        return Optional.ofNullable(proxies.get(name));
    }

    public ApplyResult apply(List<MeshResource> resources) {
        return controlPlane.apply(resources);
    }

    public ApplyResult delete(List<MeshResource> resources) {
        return controlPlane.delete(resources);
    }

    public List<EdgeSnapshot> edges(int windowSeconds) {
        return telemetry.edges().snapshot(windowSeconds);
    }

    /** Registers something to close with the mesh (workloads, load, admin API), last registered first. */
    public void onClose(AutoCloseable c) {
        closeables.add(0, c);
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (ticker != null) {
            ticker.cancel(false);
        }
        if (security != null) {
            security.close();
        }
        for (AutoCloseable c : closeables) {
            try {
                c.close();
            } catch (Exception ignored) {
                // closing the rest matters more
            }
        }
        if (chaos != null) {
            chaos.close();
        }
        if (load != null) {
            load.close();
        }
        if (admin != null) {
            admin.close();
        }
        proxies.values().forEach(Proxy::close);
        if (workloads != null) {
            workloads.close();
        }
        loops.close();
    }
}
