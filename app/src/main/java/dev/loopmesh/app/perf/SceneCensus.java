package dev.loopmesh.app.perf;

import javafx.scene.Node;
import javafx.scene.Parent;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * How many nodes the window's scene holds, and the kinds that are most of them: every pulse walks the
 * whole tree to update bounds, so a pane that quietly grows to thousands of nodes costs every frame.
 */
final class SceneCensus {
    private SceneCensus() {
    }

    static String of(Parent root) {
        Map<String, Integer> byClass = new HashMap<>();
        int n = count(root, byClass);
        return String.format(Locale.ROOT, "scene %d nodes (%s)", n, byClass.entrySet().stream()
                .sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).limit(4)
                .map(e -> e.getValue() + " " + e.getKey()).collect(Collectors.joining(", ")));
    }

    private static int count(Node node, Map<String, Integer> byClass) {
        byClass.merge(node.getClass().getSimpleName().isEmpty() ? node.getClass().getName() : node.getClass().getSimpleName(), 1, Integer::sum);
        int n = 1;
        if (node instanceof Parent p) {
            for (Node child : p.getChildrenUnmodifiable()) {
                n += count(child, byClass);
            }
        }
        return n;
    }
}
