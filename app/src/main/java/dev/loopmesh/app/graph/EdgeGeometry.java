package dev.loopmesh.app.graph;

import java.util.Optional;

/**
 * Where an edge between two workloads runs: a cubic curve from the right side of the source's row to
 * the left side of the destination's, in layout units. Shared by drawing, particles and hit testing.
 */
public record EdgeGeometry(double x0, double y0, double c1x, double c1y, double c2x, double c2y, double x1, double y1) {

    public static Optional<EdgeGeometry> between(GraphLayout layout, String sourceWorkload, String destinationWorkload) {
        Optional<GraphLayout.Row> from = layout.row(sourceWorkload);
        Optional<GraphLayout.Row> to = layout.row(destinationWorkload);
        if (from.isEmpty() || to.isEmpty()) {
            return Optional.empty();
        }
        GraphLayout.Row a = from.get();
        GraphLayout.Row b = to.get();
        double x0 = a.x() + a.w() + GraphLayout.PAD;
        double y0 = a.y() + a.h() / 2;
        double x1 = b.x() - GraphLayout.PAD;
        double y1 = b.y() + b.h() / 2;
        double dx = Math.max(40, (x1 - x0) / 2);
        return Optional.of(new EdgeGeometry(x0, y0, x0 + dx, y0, x1 - dx, y1, x1, y1));
    }

    /** A declared call between two service boxes, drawn faintly when it carries no traffic. */
    public static Optional<EdgeGeometry> betweenNodes(GraphLayout layout, String from, String to) {
        Optional<GraphLayout.Node> a = layout.node(from);
        Optional<GraphLayout.Node> b = layout.node(to);
        if (a.isEmpty() || b.isEmpty()) {
            return Optional.empty();
        }
        double x0 = a.get().x() + a.get().w();
        double y0 = a.get().y() + a.get().h() / 2;
        double x1 = b.get().x();
        double y1 = b.get().y() + b.get().h() / 2;
        double dx = Math.max(40, (x1 - x0) / 2);
        return Optional.of(new EdgeGeometry(x0, y0, x0 + dx, y0, x1 - dx, y1, x1, y1));
    }

    public double x(double t) {
        double u = 1 - t;
        return u * u * u * x0 + 3 * u * u * t * c1x + 3 * u * t * t * c2x + t * t * t * x1;
    }

    public double y(double t) {
        double u = 1 - t;
        return u * u * u * y0 + 3 * u * u * t * c1y + 3 * u * t * t * c2y + t * t * t * y1;
    }

    /** Distance from a point to the curve, sampled; good enough to pick an edge with the mouse. */
    public double distanceTo(double px, double py) {
        double best = Double.MAX_VALUE;
        for (int i = 0; i <= 40; i++) {
            double t = i / 40.0;
            best = Math.min(best, Math.hypot(x(t) - px, y(t) - py));
        }
        return best;
    }
}
