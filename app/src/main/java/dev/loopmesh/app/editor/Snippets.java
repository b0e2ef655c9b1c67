package dev.loopmesh.app.editor;

import java.util.List;

/** Ready policies for the editor, written for Bookinfo (the built-in mesh), each one complete to apply. */
public final class Snippets {
    public record Snippet(String name, String description, String yaml) {
    }

    private static final String SUBSETS = """
            subsets:
            - {name: v1, labels: {version: v1}}
            - {name: v2, labels: {version: v2}}
            - {name: v3, labels: {version: v3}}
            """;

    static final String REVIEWS_SUBSETS = reviewsRule("");

    public static final Snippet JASON = new Snippet("jason → reviews v2",
            "Requests from the user jason go to reviews v2, everyone else to v1 (Istio's request routing task)",
            withReviewsSubsets(virtualService("reviews", """
                    - match:
                      - headers:
                          end-user: {exact: jason}
                      route:
                      - destination: {host: reviews, subset: v2}
                    - route:
                      - destination: {host: reviews, subset: v1}
                    """)));

    public static final Snippet JASON_GATEWAY_API = new Snippet("jason → reviews v2 (Gateway API)",
            "The same with an HTTPRoute on the reviews Service (GAMMA); reviews-v1 and reviews-v2 are its versions' Services",
            """
            apiVersion: gateway.networking.k8s.io/v1
            kind: HTTPRoute
            metadata:
              name: reviews
            spec:
              parentRefs:
              - {group: "", kind: Service, name: reviews, port: 9080}
              rules:
              - matches:
                - headers:
                  - {name: end-user, value: jason}
                backendRefs:
                - {name: reviews-v2, port: 9080}
              - backendRefs:
                - {name: reviews-v1, port: 9080}
            """);

    public static final Snippet FIFTY_FIFTY = new Snippet("50/50 v1/v3", "Half of reviews traffic to v1, half to v3 (traffic shifting)",
            withReviewsSubsets(virtualService("reviews", """
                    - route:
                      - destination: {host: reviews, subset: v1}
                        weight: 50
                      - destination: {host: reviews, subset: v3}
                        weight: 50
                    """)));

    public static final Snippet DELAY_JASON = new Snippet("7 s delay on ratings for jason",
            "Istio's fault injection task: ratings answers jason after 7 s; reviews v3 gives up after 2.5 s",
            virtualService("ratings", """
                    - match:
                      - headers:
                          end-user: {exact: jason}
                      fault:
                        delay:
                          fixedDelay: 7s
                          percentage: {value: 100}
                      route:
                      - destination: {host: ratings}
                    - route:
                      - destination: {host: ratings}
                    """));

    public static final Snippet ABORT = new Snippet("50 % abort on ratings", "Half of the calls to ratings fail with 503 (flag FI)",
            virtualService("ratings", """
                    - fault:
                        abort:
                          httpStatus: 503
                          percentage: {value: 50}
                      route:
                      - destination: {host: ratings}
                    """));

    public static final Snippet RETRIES = new Snippet("retries on ratings", "3 attempts, 2 s per try, on 5xx and connect failures",
            virtualService("ratings", """
                    - route:
                      - destination: {host: ratings}
                      timeout: 6s
                      retries:
                        attempts: 3
                        perTryTimeout: 2s
                        retryOn: 5xx,connect-failure,refused-stream
                    """));

    public static final Snippet CONNECTION_LIMITS = new Snippet("connection limits on reviews",
            "One connection, one pending request: overflow is 503 UO (circuit breaking)",
            reviewsRule("""
                    trafficPolicy:
                      connectionPool:
                        tcp: {maxConnections: 1}
                        http: {http1MaxPendingRequests: 1, maxRequestsPerConnection: 1}
                    """));

    public static final Snippet OUTLIER = new Snippet("outlier detection on reviews",
            "Eject a pod after one 5xx for 30 s; with none left, 503 UH",
            reviewsRule("""
                    trafficPolicy:
                      outlierDetection:
                        consecutive5xxErrors: 1
                        interval: 1s
                        baseEjectionTime: 30s
                        maxEjectionPercent: 100
                    """));

    public static final Snippet MIRROR = new Snippet("mirror to reviews v2", "All traffic to v1, a copy of each request to v2 (Host gets -shadow)",
            withReviewsSubsets(virtualService("reviews", """
                    - route:
                      - destination: {host: reviews, subset: v1}
                        weight: 100
                      mirror: {host: reviews, subset: v2}
                      mirrorPercentage: {value: 100}
                    """)));

    public static final List<Snippet> ALL = List.of(JASON, JASON_GATEWAY_API, FIFTY_FIFTY, DELAY_JASON, ABORT, RETRIES, CONNECTION_LIMITS, OUTLIER, MIRROR);

    private Snippets() {
    }

    /** The one shape every document here has; the snippets differ only in kind, name and spec. */
    private static String istio(String kind, String name, String spec) {
        return "apiVersion: networking.istio.io/v1\nkind: " + kind + "\nmetadata:\n  name: " + name + "\nspec:\n" + spec.indent(2);
    }

    private static String virtualService(String host, String httpRoutes) {
        return istio("VirtualService", host, "hosts: [" + host + "]\nhttp:\n" + httpRoutes);
    }

    /** Reviews' DestinationRule with its three version subsets, after an optional trafficPolicy block. */
    private static String reviewsRule(String trafficPolicy) {
        return istio("DestinationRule", "reviews", "host: reviews\n" + trafficPolicy + SUBSETS);
    }

    /** A subset route needs its subsets defined, so the document goes after reviews' DestinationRule. */
    private static String withReviewsSubsets(String virtualService) {
        return REVIEWS_SUBSETS + "---\n" + virtualService;
    }
}
