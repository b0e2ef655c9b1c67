package dev.loopmesh.security;

import dev.loopmesh.policy.authn.PeerAuthentication;
import dev.loopmesh.policy.authn.RequestAuthentication;
import dev.loopmesh.policy.authz.AuthorizationPolicy;
import dev.loopmesh.policy.authz.ExtAuthzProvider;
import dev.loopmesh.policy.authz.PathNormalization;
import dev.loopmesh.policy.authz.linkerd.DefaultPolicy;
import dev.loopmesh.topology.MeshResource;
import dev.loopmesh.topology.SpecFields;
import dev.loopmesh.topology.Problem;
import dev.loopmesh.topology.YamlNode;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Binds the security resources of a mesh — Istio's {@code security.istio.io}, Linkerd's authorization
 * kinds of {@code policy.linkerd.io}, and Loopmesh's {@code MeshConfig} — into a {@link SecurityConfig},
 * with every problem positioned (codes LM07xx).
 */
public final class SecurityBinder {
    public static final String MESH_CONFIG = "MeshConfig";
    static final Set<String> LINKERD_KINDS = Set.of("Server", "ServerAuthorization", "AuthorizationPolicy",
            "MeshTLSAuthentication", "NetworkAuthentication");
    static final Set<String> ISTIO_KINDS = Set.of("PeerAuthentication", "AuthorizationPolicy", "RequestAuthentication");

    private SecurityBinder() {
    }

    /** Whether this binder reads the resource. */
    public static boolean handles(MeshResource r) {
        return r.group().equals(IstioSecurityBinder.GROUP)
                || r.group().equals(LinkerdBinder.GROUP) && LINKERD_KINDS.contains(r.kind())
                || r.group().equals("loopmesh.dev") && r.kind().equals(MESH_CONFIG);
    }

    /** Problems of one resource on its own (references to other resources are checked by {@link #bind}). */
    public static List<Problem> validate(MeshResource r) {
        return validate(r, List.of());
    }

    /**
     * Problems of one resource with the mesh-wide settings of {@code context} (its MeshConfig: trust domain,
     * extension providers); references to other resources are checked by {@link #bind}.
     */
    public static List<Problem> validate(MeshResource r, List<MeshResource> context) {
        if (!handles(r)) {
            return List.of();
        }
        List<MeshResource> with = new ArrayList<>();
        boolean meshConfig = r.group().equals("loopmesh.dev") && r.kind().equals(MESH_CONFIG);
        if (!meshConfig) {
            for (MeshResource c : context) {
                if (c.group().equals("loopmesh.dev") && c.kind().equals(MESH_CONFIG) && !c.key().equals(r.key())) {
                    with.add(c);
                }
            }
        }
        // only the resource's own problems: the MeshConfig taken along is validated on its own
        List<Problem> theirs = with.isEmpty() ? List.of() : bind(with).problems();
        with.add(r);
        return bind(with).problems().stream().filter(p -> !p.code().equals(SecurityCodes.UNKNOWN_REFERENCE))
                .filter(p -> !theirs.contains(p)).toList();
    }

    /** Security resources have no durations; a bad one would be an invalid value. */
    private static final SpecFields.Codes FIELD_CODES = new SpecFields.Codes(SecurityCodes.UNKNOWN_FIELD, SecurityCodes.WRONG_TYPE,
            SecurityCodes.MISSING_FIELD, SecurityCodes.INVALID_VALUE, SecurityCodes.INVALID_VALUE);

    public static SecurityConfig bind(List<MeshResource> resources) {
        SpecFields f = new SpecFields(FIELD_CODES);
        SecuritySettings settings = SecuritySettings.DEFAULT;
        boolean linkerd = false;
        for (MeshResource r : resources) {
            if (r.group().equals("loopmesh.dev") && r.kind().equals(MESH_CONFIG)) {
                settings = settings(r, f);
            }
            linkerd |= r.group().equals(LinkerdBinder.GROUP) && r.kind().equals("Server");
        }
        IstioSecurityBinder istio = new IstioSecurityBinder(f, settings);
        List<PeerAuthentication> pas = new ArrayList<>();
        List<AuthorizationPolicy> aps = new ArrayList<>();
        List<RequestAuthentication> ras = new ArrayList<>();
        for (MeshResource r : resources) {
            if (!r.group().equals(IstioSecurityBinder.GROUP)) {
                continue;
            }
            int mark = f.problems.size();
            String version = r.apiVersion().substring(r.apiVersion().indexOf('/') + 1);
            if (!version.equals("v1") && !version.equals("v1beta1")) {
                f.error(SecurityCodes.UNSUPPORTED, r.position(), "apiVersion", "apiVersion `" + r.apiVersion()
                        + "` is not supported (expected: security.istio.io/v1 or v1beta1)");
                continue;
            }
            switch (r.kind()) {
                case "PeerAuthentication": {
                    PeerAuthentication p = istio.peerAuthentication(r);
                    if (!f.errorsSince(mark)) {
                        pas.add(p);
                    }
                    break;
                }
                case "AuthorizationPolicy": {
                    AuthorizationPolicy p = istio.authorizationPolicy(r);
                    if (!f.errorsSince(mark)) {
                        aps.add(p);
                    }
                    break;
                }
                case "RequestAuthentication": {
                    RequestAuthentication p = istio.requestAuthentication(r);
                    if (!f.errorsSince(mark)) {
                        ras.add(p);
                    }
                    break;
                }
                default:
                    f.warning(SecurityCodes.UNSUPPORTED, r.position(), "kind", "kind `" + r.kind() + "` of security.istio.io is not supported and is ignored"
                            + dev.loopmesh.topology.Suggestions.didYouMean(r.kind(), ISTIO_KINDS));
            }
        }
        LinkerdBinder lb = new LinkerdBinder(f, settings.trustDomain());
        lb.bind(resources);
        if (linkerd && settings.linkerdDefault() == null) {
            settings = new SecuritySettings(settings.trustDomain(), settings.pathNormalization(), settings.certificateLifetime(),
                    settings.rotate(), settings.rootCert(), settings.caCert(), settings.caKey(), settings.extensionProviders(),
                    settings.extAuthz(), DefaultPolicy.ALL_UNAUTHENTICATED);
        }
        List<Problem> problems = new ArrayList<>(f.problems);
        problems.sort(Comparator.comparing((Problem p) -> p.position().file()).thenComparingInt(p -> p.position().line())
                .thenComparingInt(p -> p.position().column()));
        return new SecurityConfig(settings, pas, aps, ras, lb.servers, lb.authorizations, problems);
    }

    private static SecuritySettings settings(MeshResource r, SpecFields f) {
        YamlNode.Mapping spec = r.spec();
        f.keys(spec, "trustDomain", "pathNormalization", "certificates", "extensionProviders", "linkerd");
        String td = f.string(spec, "trustDomain");
        if (td != null && (td.isBlank() || td.contains("/") || td.contains(":"))) {
            f.error(SecurityCodes.INVALID_VALUE, spec.entries().get("trustDomain"), "`trustDomain`: `" + td + "` (expected: a name like cluster.local)");
            td = null;
        }
        PathNormalization pn = null;
        YamlNode.Mapping pm = f.mapping(spec, "pathNormalization");
        if (pm != null) {
            f.keys(pm, "normalization");
            String n = f.enumValue(pm, "normalization", "DEFAULT", "NONE", "BASE", "MERGE_SLASHES", "DECODE_AND_MERGE_SLASHES");
            pn = n == null || n.equals("DEFAULT") ? PathNormalization.BASE : PathNormalization.valueOf(n);
        }
        Duration lifetime = null;
        boolean rotate = true;
        Path root = null;
        Path caCert = null;
        Path caKey = null;
        YamlNode.Mapping c = f.mapping(spec, "certificates");
        if (c != null) {
            f.keys(c, "lifetime", "rotate", "rootCert", "caCert", "caKey");
            String l = f.string(c, "lifetime");
            if (l != null) {
                try {
                    lifetime = dev.loopmesh.topology.Durations.parse(l);
                    if (lifetime.compareTo(Duration.ofSeconds(1)) < 0) {
                        f.error(SecurityCodes.INVALID_VALUE, c.entries().get("lifetime"), "`lifetime`: " + l + " (expected: >= 1s)");
                        lifetime = null;
                    }
                } catch (IllegalArgumentException e) {
                    f.error(SecurityCodes.INVALID_VALUE, c.entries().get("lifetime"), "`lifetime`: " + e.getMessage());
                }
            }
            Boolean rot = f.bool(c, "rotate");
            rotate = rot == null || rot;
            root = path(r, f.string(c, "rootCert"));
            caCert = path(r, f.string(c, "caCert"));
            caKey = path(r, f.string(c, "caKey"));
            if ((root == null) != (caCert == null) || (caCert == null) != (caKey == null)) {
                f.error(SecurityCodes.MISSING_FIELD, c, "a plugged-in CA needs `rootCert`, `caCert` and `caKey` together");
            }
        }
        List<String> providers = new ArrayList<>();
        Map<String, ExtAuthzProvider> extAuthz = new LinkedHashMap<>();
        for (YamlNode.Mapping p : f.mappings(spec, "extensionProviders")) {
            String name = f.requiredString(p, "name", "an extensionProvider");
            if (name != null) {
                if (providers.contains(name)) {
                    f.error(SecurityCodes.CONFLICT, p.entries().get("name"), "extensionProvider `" + name + "` is defined twice (expected: unique names)");
                }
                providers.add(name);
            }
            ExtAuthzProvider http = ExtensionProviders.bind(f, p, name);
            if (http != null && name != null) {
                extAuthz.put(name, http);
            }
        }
        DefaultPolicy linkerd = null;
        YamlNode.Mapping l = f.mapping(spec, "linkerd");
        if (l != null) {
            f.keys(l, "defaultInboundPolicy");
            String d = f.string(l, "defaultInboundPolicy");
            if (d != null) {
                try {
                    linkerd = DefaultPolicy.parse(d);
                } catch (IllegalArgumentException e) {
                    f.error(SecurityCodes.INVALID_VALUE, l.entries().get("defaultInboundPolicy"), e.getMessage()
                            + dev.loopmesh.topology.Suggestions.didYouMean(d, DefaultPolicy.values(true)));
                }
            }
        }
        return new SecuritySettings(td, pn, lifetime, rotate, root, caCert, caKey, providers, extAuthz, linkerd);
    }

    private static Path path(MeshResource r, String p) {
        if (p == null) {
            return null;
        }
        Path path = Path.of(p);
        if (!path.isAbsolute() && !r.position().file().startsWith("<")) {
            Path base = Path.of(r.position().file()).toAbsolutePath().getParent();
            return base == null ? path : base.resolve(p);
        }
        return path;
    }
}
