package dev.loopmesh.app.editor;

import dev.loopmesh.Mesh;
import dev.loopmesh.controlplane.ApplyResult;
import dev.loopmesh.controlplane.istio.IstioCodes;
import dev.loopmesh.controlplane.istio.IstioTranslator;
import dev.loopmesh.topology.MeshResource;
import dev.loopmesh.topology.Problem;
import dev.loopmesh.topology.Severity;
import dev.loopmesh.topology.TopologyException;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static java.util.Objects.requireNonNull;

/**
 * Policy changes through the control plane: checks YAML text as the control plane would, applies it,
 * and describes each change resource by resource (the text before and after, as a line diff) so that
 * it can be reverted (the previous version re-applied, or the resource deleted when there was none)
 * and applied again; the app's history ({@code dev.loopmesh.app.history}) keeps the changes.
 *
 * <p>Engine work: every method may block on the control plane, so the app calls it on its engine
 * thread only (which also makes this class single-threaded).
 */
public final class PolicyService {
    /** The file name the engine gives text parsed by {@link Mesh#parseResources}; problems point into it. */
    public static final String TEXT_FILE = "request.yaml";
    private static final Pattern SEPARATOR = Pattern.compile("^(---|\\.\\.\\.)[ \\t]*$");

    /** What the control plane would say about some text, without applying it. */
    public record Check(List<Problem> problems, List<MeshResource> resources) {
        public Check {
            problems = List.copyOf(problems);
            resources = List.copyOf(resources);
        }

        public boolean hasErrors() {
            return problems.stream().anyMatch(p -> p.severity() == Severity.ERROR);
        }
    }

    /** One resource in one change: its text before (null: it did not exist) and after (null: deleted). */
    public record Step(String key, String resource, String before, String after) {
        public String diff() {
            return LineDiff.unified(LineDiff.diff(before == null ? "" : before, after == null ? "" : after));
        }
    }

    /** An applied change: what the user (or a fault, or an undo) did, resource by resource. */
    public record Change(String origin, Instant time, List<Step> steps) {
        public Change {
            steps = List.copyOf(steps);
        }

        public String diff() {
            return steps.stream().map(s -> "# " + s.resource() + (s.before() == null ? " (new)" : s.after() == null ? " (deleted)" : "")
                    + "\n" + s.diff()).collect(Collectors.joining("\n"));
        }
    }

    /**
     * @param applied whether anything changed in the mesh
     * @param summary one line for the status: {@code applied VirtualService default/reviews (configured, 6 proxies)}
     * @param change  what changed, or null when nothing did
     * @param local   rejected before the control plane saw it (the text does not parse), so no config event tells
     */
    public record Result(boolean applied, boolean rejected, String summary, List<Problem> problems, Change change, boolean local) {
        public Result {
            problems = List.copyOf(problems);
        }

        Result(boolean applied, boolean rejected, String summary, List<Problem> problems, Change change) {
            this(applied, rejected, summary, problems, change, false);
        }
    }

    /** A version of a resource as applied from the app. */
    public record Version(String resource, String origin, Instant time, String text) {
    }

    private final Mesh mesh;
    private final Map<String, String> texts = new LinkedHashMap<>();
    private final Map<String, List<Version>> versions = new LinkedHashMap<>();

    public PolicyService(Mesh mesh) {
        this.mesh = requireNonNull(mesh, "mesh");
    }

    public Mesh mesh() {
        return mesh;
    }

    /** Parses and validates {@code text} as the control plane would, plus istioctl-analyze-style cross checks. */
    public Check check(String text) {
        List<MeshResource> parsed;
        try {
            parsed = text.isBlank() ? List.of() : mesh.parseResources(text);
        } catch (TopologyException e) {
            return new Check(e.problems().stream().filter(p -> p.severity() == Severity.ERROR || inText(p)).toList(), List.of());
        } catch (RuntimeException e) {
            return new Check(List.of(Problem.error("LM0000", new dev.loopmesh.topology.Position(TEXT_FILE, 1, 1), "",
                    String.valueOf(e.getMessage()))), List.of());
        }
        Set<Problem> problems = new LinkedHashSet<>();
        for (MeshResource r : parsed) {
            problems.addAll(mesh.controlPlane().translator().validate(r, mesh.registry()));
        }
        if (mesh.controlPlane().translator() instanceof IstioTranslator istio && !parsed.isEmpty()) {
            Map<String, MeshResource> merged = new LinkedHashMap<>();
            mesh.controlPlane().resources().forEach(r -> merged.put(r.key(), r));
            parsed.forEach(r -> merged.put(r.key(), r));
            istio.analyze(mesh.registry(), List.copyOf(merged.values())).stream().filter(PolicyService::inText)
                    .map(PolicyService::asAdmitted).forEach(problems::add);
        }
        List<Problem> sorted = new ArrayList<>(problems);
        sorted.sort(java.util.Comparator.comparingInt((Problem p) -> p.position().line()).thenComparingInt(p -> p.position().column()));
        return new Check(sorted, parsed);
    }

    /**
     * Two VirtualServices for one host (IST0109) is an error to istioctl analyze and to {@code loopmesh
     * validate}, but the API server takes the second one all the same ({@code kubectl apply} does), and
     * trainers reproduce exactly that: the editor applies it and warns.
     */
    public static Problem asAdmitted(Problem p) {
        if (p.severity() != Severity.ERROR || !IstioCodes.HOST_CONFLICT.equals(p.code())) {
            return p;
        }
        return Problem.warning(p.code(), p.position(), p.path(), p.message()
                + "; applied all the same, as the API server (kubectl apply) accepts it, while istioctl analyze and loopmesh validate report it");
    }

    private static boolean inText(Problem p) {
        return TEXT_FILE.equals(p.position().file());
    }

    /** Applies every document of {@code text}; with any error nothing is applied. */
    public Result apply(String text, String origin) {
        Check c = check(text);
        if (c.resources().isEmpty()) {
            boolean errors = c.hasErrors();
            return new Result(false, errors, errors ? "rejected: " + firstError(c.problems()) : "nothing to apply", c.problems(), null, errors);
        }
        if (c.hasErrors()) {
            // the control plane rejects them too (and its timeline says so); the valid ones are held back
            List<MeshResource> bad = c.resources().stream()
                    .filter(r -> mesh.controlPlane().translator().validate(r, mesh.registry()).stream().anyMatch(p -> p.severity() == Severity.ERROR))
                    .toList();
            if (!bad.isEmpty()) {
                mesh.apply(bad);
            }
            return new Result(false, true, "rejected: " + firstError(c.problems()) + " — nothing applied", c.problems(), null);
        }
        List<String> docs = documents(text);
        Map<String, String> before = new LinkedHashMap<>();
        for (MeshResource r : c.resources()) {
            before.put(r.key(), liveText(r.key()).orElse(null));
        }
        ApplyResult result = mesh.apply(c.resources());
        List<Step> steps = new ArrayList<>();
        List<String> said = new ArrayList<>();
        int proxies = 0;
        for (MeshResource r : c.resources()) {
            ApplyResult.Outcome o = outcome(result, r);
            if (o == null || !o.accepted()) {
                said.add(label(r) + " rejected");
                continue;
            }
            proxies = Math.max(proxies, o.proxies().size());
            String after = docs.isEmpty() ? YamlText.of(r) : docFor(docs, text, r);
            texts.put(r.key(), after);
            versions.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(new Version(label(r), origin, Instant.now(), after));
            said.add(label(r) + " " + o.action());
            if (!"unchanged".equals(o.action())) {
                steps.add(new Step(r.key(), label(r), before.get(r.key()), after));
            }
        }
        Change change = steps.isEmpty() ? null : new Change(origin, Instant.now(), steps);
        List<Problem> problems = new ArrayList<>(result.outcomes().stream().flatMap(o -> o.problems().stream()).toList());
        List<Problem> warnings = c.problems().stream().filter(p -> p.severity() == Severity.WARNING && !problems.contains(p)).toList();
        problems.addAll(warnings);
        boolean rejected = !result.allAccepted();
        return new Result(change != null, rejected, (rejected ? "partly rejected: " : "applied: ") + String.join(", ", said)
                + (proxies > 0 ? " → pushed to " + proxies + (proxies == 1 ? " proxy" : " proxies") : "")
                + (warnings.isEmpty() ? "" : " — warning: " + warnings.get(0).message()
                        + (warnings.size() > 1 ? " (and " + (warnings.size() - 1) + " more)" : "")), problems, change);
    }

    /** Deletes the live resource with {@code key}. */
    public Result delete(String key, String origin) {
        Optional<MeshResource> live = live(key);
        if (live.isEmpty()) {
            return new Result(false, false, "nothing to delete", List.of(), null);
        }
        String before = liveText(key).orElse(null);
        ApplyResult r = mesh.delete(List.of(live.get()));
        texts.remove(key);
        Change change = new Change(origin, Instant.now(), List.of(new Step(key, label(live.get()), before, null)));
        return new Result(r.allAccepted(), false, "deleted " + label(live.get()), List.of(), change);
    }

    /** Puts the resources of {@code change} back as they were before it: re-applies or deletes them, last step first. */
    public Result revert(Change change, String origin) {
        List<Step> steps = new ArrayList<>(change.steps());
        java.util.Collections.reverse(steps);
        return replay(steps, true, origin);
    }

    /** Makes the resources of {@code change} what it made them again (after a revert). */
    public Result reapply(Change change, String origin) {
        return replay(change.steps(), false, origin);
    }

    private Result replay(List<Step> steps, boolean toBefore, String origin) {
        List<String> said = new ArrayList<>();
        List<Step> done = new ArrayList<>();
        List<Problem> problems = new ArrayList<>();
        boolean rejected = false;
        for (Step s : steps) {
            String text = toBefore ? s.before() : s.after();
            Result r = text == null ? delete(s.key(), origin) : apply(text, origin);
            said.add(r.summary());
            problems.addAll(r.problems());
            rejected |= r.rejected();
            if (r.change() != null) {
                done.addAll(r.change().steps());
            }
        }
        return new Result(!done.isEmpty(), rejected, String.join("; ", said), problems,
                done.isEmpty() ? null : new Change(origin, Instant.now(), done));
    }

    /** The versions of a resource applied from the app, oldest first. */
    public List<Version> versions(String key) {
        return List.copyOf(versions.getOrDefault(key, List.of()));
    }

    public Optional<MeshResource> live(String key) {
        return mesh.controlPlane().resources().stream().filter(r -> r.key().equals(key)).findFirst();
    }

    /** The text of a live resource: as the app applied it, or rebuilt from its spec. */
    public Optional<String> liveText(String key) {
        Optional<MeshResource> live = live(key);
        if (live.isEmpty()) {
            texts.remove(key);
            return Optional.empty();
        }
        String t = texts.get(key);
        return Optional.of(t != null ? t : YamlText.of(live.get()));
    }

    /** Every live resource as one multi-document text, for the editor. */
    public String allText() {
        return mesh.controlPlane().resources().stream().map(r -> liveText(r.key()).orElse(""))
                .collect(Collectors.joining("---\n"));
    }

    static String label(MeshResource r) {
        return r.kind() + " " + r.namespace() + "/" + r.name();
    }

    private static ApplyResult.Outcome outcome(ApplyResult result, MeshResource r) {
        return result.outcomes().stream().filter(o -> o.resource().equals(label(r))).findFirst().orElse(null);
    }

    private static String firstError(List<Problem> problems) {
        return problems.stream().filter(p -> p.severity() == Severity.ERROR).findFirst()
                .map(p -> "line " + p.position().line() + ": " + p.message()).orElse("invalid");
    }

    /** The documents of a text, split at {@code ---} lines, each with its starting line (1-based). */
    static List<String> documents(String text) {
        List<String> out = new ArrayList<>();
        StringBuilder doc = new StringBuilder();
        for (String line : text.split("\n", -1)) {
            if (SEPARATOR.matcher(line).matches()) {
                out.add(doc.toString());
                doc.setLength(0);
                out.add(null); // keeps line numbers countable: one slot per separator line
            } else {
                doc.append(line).append('\n');
            }
        }
        out.add(doc.toString());
        return out;
    }

    /** The text of the document holding {@code r}'s first line, trimmed of blank lines around it. */
    private static String docFor(List<String> docs, String text, MeshResource r) {
        int line = Math.max(1, r.position().line());
        int at = 1;
        for (String d : docs) {
            int lines = d == null ? 1 : (int) d.chars().filter(c -> c == '\n').count();
            if (d != null && line >= at && line < at + Math.max(1, lines)) {
                return tidy(d);
            }
            at += lines;
        }
        return YamlText.of(r);
    }

    static String tidy(String doc) {
        String t = doc.replaceAll("^(\\s*\\n)+", "").stripTrailing();
        return t + "\n";
    }
}
