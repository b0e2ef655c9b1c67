package dev.loopmesh.topology;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** Binds a workload's {@code behavior:} — latency, errors, response shape and downstream calls. */
final class BehaviorBinder {
    static final List<String> BEHAVIOR_KEYS = List.of("latency", "errorRate", "errorStatus", "responseSize",
            "responseHeaders", "parallel", "onCallFailure", "calls");
    static final List<String> CALL_KEYS = List.of("service", "namespace", "path", "method", "headers", "timeout",
            "attempts", "propagate");
    static final List<String> LATENCY_KEYS = List.of("fixed", "min", "max", "p50", "p99");
    static final List<String> METHODS = List.of("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS");

    /** A call as written, for the cross-checks that need every service first. */
    record CallRef(String fromService, String fromNamespace, CallSpec call, YamlNode node) {
    }

    private final Fields fields;
    private final List<CallRef> calls;

    BehaviorBinder(Fields fields, List<CallRef> calls) {
        this.fields = fields;
        this.calls = calls;
    }

    BehaviorSpec bind(YamlNode node, String service, String namespace) {
        Optional<YamlNode.Mapping> found = fields.asMapping(node, "a map with keys " + String.join(", ", BEHAVIOR_KEYS));
        if (found.isEmpty()) {
            return BehaviorSpec.DEFAULT;
        }
        YamlNode.Mapping m = found.get();
        fields.onlyKeys(m, BEHAVIOR_KEYS);
        LatencySpec latency = Fields.value(m, "latency").map(this::latency).orElse(LatencySpec.ZERO);
        double errorRate = Fields.value(m, "errorRate").flatMap(this::share).orElse(0.0);
        int errorStatus = fields.integer(m, "errorStatus", 100, 599).orElse(500);
        long size = Fields.value(m, "responseSize").flatMap(this::size).orElse(0L);
        Map<String, String> headers = fields.stringMap(m, "responseHeaders", "header values");
        boolean parallel = fields.bool(m, "parallel").orElse(false);
        boolean fail = false;
        int failStatus = 500;
        Optional<YamlNode> onFailure = Fields.value(m, "onCallFailure");
        if (onFailure.isPresent()) {
            Optional<Integer> status = onCallFailure(onFailure.get());
            fail = status.isPresent() && status.get() > 0;
            failStatus = status.filter(s -> s > 0).orElse(500);
        }
        List<CallSpec> bound = new ArrayList<>();
        for (YamlNode item : fields.list(m, "calls", "a list of calls")) {
            call(item, service, namespace).ifPresent(bound::add);
        }
        return new BehaviorSpec(latency, errorRate, errorStatus, (int) size, headers, bound, parallel, fail, failStatus);
    }

    private Optional<Double> share(YamlNode node) {
        return fields.text(node, "a share from 0 to 1, like 0.1 or 10%").flatMap(t -> {
            try {
                return Optional.of(Quantities.share(t));
            } catch (IllegalArgumentException e) {
                fields.error(ProblemCodes.OUT_OF_RANGE, node, Fields.name(node) + ": " + e.getMessage());
                return Optional.empty();
            }
        });
    }

    private Optional<Long> size(YamlNode node) {
        return fields.text(node, "a size like 512 or 2KiB").flatMap(t -> {
            try {
                return Optional.of(Quantities.bytes(t));
            } catch (IllegalArgumentException e) {
                fields.error(ProblemCodes.BAD_SIZE, node, Fields.name(node) + ": " + e.getMessage());
                return Optional.empty();
            }
        });
    }

    /** {@code degrade} → 0; {@code fail} → 500; {@code {fail: 503}} → 503. */
    private Optional<Integer> onCallFailure(YamlNode node) {
        String expected = "degrade, fail, or {fail: <status>}";
        if (node instanceof YamlNode.Mapping m) {
            fields.onlyKeys(m, List.of("fail"));
            return fields.integer(m, "fail", 100, 599);
        }
        Optional<String> text = fields.text(node, expected);
        if (text.isEmpty()) {
            return Optional.empty();
        }
        switch (text.get()) {
            case "degrade":
                return Optional.of(0);
            case "fail":
                return Optional.of(500);
            default:
                fields.error(ProblemCodes.BAD_CHOICE, node, "onCallFailure: " + Fields.got(node) + " is not a choice (expected: "
                        + expected + ")" + Suggestions.didYouMean(text.get(), List.of("degrade", "fail")));
                return Optional.empty();
        }
    }

    LatencySpec latency(YamlNode node) {
        if (node instanceof YamlNode.Scalar) {
            return fields.duration(node).<LatencySpec>map(LatencySpec.Fixed::new).orElse(LatencySpec.ZERO);
        }
        Optional<YamlNode.Mapping> found = fields.asMapping(node, "a duration like 20ms, or {fixed: 20ms}, {min: 5ms, max: 20ms}, {p50: 15ms, p99: 60ms}");
        if (found.isEmpty()) {
            return LatencySpec.ZERO;
        }
        YamlNode.Mapping m = found.get();
        fields.onlyKeys(m, LATENCY_KEYS);
        boolean fixed = m.entries().containsKey("fixed");
        boolean uniform = m.entries().containsKey("min") || m.entries().containsKey("max");
        boolean logNormal = m.entries().containsKey("p50") || m.entries().containsKey("p99");
        int forms = (fixed ? 1 : 0) + (uniform ? 1 : 0) + (logNormal ? 1 : 0);
        if (forms != 1) {
            if (m.entries().keySet().stream().allMatch(LATENCY_KEYS::contains)) {
                fields.error(ProblemCodes.BAD_LATENCY, node, "latency: " + (forms == 0 ? "no distribution given" : "mixes distributions")
                        + " (expected: one of {fixed: 20ms}, {min: 5ms, max: 20ms} or {p50: 15ms, p99: 60ms})");
            }
            return LatencySpec.ZERO;
        }
        if (fixed) {
            return fields.duration(m, "fixed").<LatencySpec>map(LatencySpec.Fixed::new).orElse(LatencySpec.ZERO);
        }
        String[] keys = uniform ? new String[] {"min", "max"} : new String[] {"p50", "p99"};
        Optional<Duration> lo = fields.required(m, keys[0], "latency", "a duration like 5ms").flatMap(fields::duration);
        Optional<Duration> hi = fields.required(m, keys[1], "latency", "a duration like 60ms").flatMap(fields::duration);
        if (lo.isEmpty() || hi.isEmpty()) {
            return LatencySpec.ZERO;
        }
        try {
            return uniform ? new LatencySpec.Uniform(lo.get(), hi.get()) : new LatencySpec.LogNormal(lo.get(), hi.get());
        } catch (IllegalArgumentException e) {
            fields.error(ProblemCodes.BAD_LATENCY, node, e.getMessage());
            return LatencySpec.ZERO;
        }
    }

    private Optional<CallSpec> call(YamlNode node, String service, String namespace) {
        Optional<YamlNode.Mapping> found = fields.asMapping(node, "a call, like {service: details, path: /details/0}");
        if (found.isEmpty()) {
            return Optional.empty();
        }
        YamlNode.Mapping m = found.get();
        fields.onlyKeys(m, CALL_KEYS);
        Optional<String> target = fields.requiredString(m, "service", "a call", "the name of the called service");
        String ns = fields.string(m, "namespace", "a namespace").orElse(namespace);
        String path = fields.string(m, "path", "a path starting with /").orElse("/");
        Fields.value(m, "path").ifPresent(p -> {
            if (p instanceof YamlNode.Scalar s && !s.value().startsWith("/")) {
                fields.error(ProblemCodes.OUT_OF_RANGE, p, "path: " + Fields.got(p) + " does not start with / (expected: a path like /details/0)");
            }
        });
        String method = Fields.value(m, "method").flatMap(this::method).orElse("GET");
        Map<String, String> headers = fields.stringMap(m, "headers", "header values");
        Duration timeout = fields.duration(m, "timeout").orElse(null);
        int attempts = fields.integer(m, "attempts", 1, 100).orElse(1);
        List<String> propagate = fields.stringList(m, "propagate", "header names");
        if (target.isEmpty()) {
            return Optional.empty();
        }
        CallSpec call = new CallSpec(target.get(), ns, path, method, headers, timeout, attempts, propagate, m.position());
        calls.add(new CallRef(service, namespace, call, m));
        return Optional.of(call);
    }

    Optional<String> method(YamlNode node) {
        return fields.text(node, "an HTTP method: " + String.join(", ", METHODS)).flatMap(t -> {
            if (METHODS.contains(t)) {
                return Optional.of(t);
            }
            String hint = METHODS.contains(t.toUpperCase(Locale.ROOT)) ? " — did you mean `" + t.toUpperCase(Locale.ROOT) + "`?"
                    : Suggestions.didYouMean(t, METHODS);
            fields.error(ProblemCodes.BAD_CHOICE, node, "method: " + Fields.got(node) + " is not an HTTP method (expected one of: "
                    + String.join(", ", METHODS) + ")" + hint);
            return Optional.empty();
        });
    }
}
