package dev.loopmesh.app.graph;

/**
 * Where the layout sits on screen: fitted to the view and centred, then the user's zoom and pan. Layout
 * units times {@link #scale()} plus the offset are pixels.
 */
final class ViewTransform {
    private static final double MAX_FIT_SCALE = 1.3;

    private double fitScale = 1;
    private double zoom = 1;
    private double panX;
    private double panY;
    private double scale = 1;
    private double offsetX;
    private double offsetY;
    private double viewWidth;
    private double viewHeight;

    /** The view's size in pixels; true when it changed. */
    boolean resize(double width, double height) {
        if (width == viewWidth && height == viewHeight) {
            return false;
        }
        viewWidth = width;
        viewHeight = height;
        return true;
    }

    double viewWidth() {
        return viewWidth;
    }

    double viewHeight() {
        return viewHeight;
    }

    double scale() {
        return scale;
    }

    double offsetX() {
        return offsetX;
    }

    double offsetY() {
        return offsetY;
    }

    double panX() {
        return panX;
    }

    double panY() {
        return panY;
    }

    void panTo(double x, double y) {
        panX = x;
        panY = y;
    }

    /** Back to the whole graph in view. */
    void fit() {
        zoom = 1;
        panX = 0;
        panY = 0;
    }

    double toLayoutX(double x) {
        return (x - offsetX) / scale;
    }

    double toLayoutY(double y) {
        return (y - offsetY) / scale;
    }

    /** Zooms by {@code factor} keeping the layout point under ({@code x}, {@code y}) where it is. */
    void zoomAt(GraphLayout layout, double x, double y, double factor) {
        double lx = toLayoutX(x);
        double ly = toLayoutY(y);
        zoom = Math.max(0.3, Math.min(12, zoom * factor));
        update(layout);
        panX += x - (offsetX + lx * scale);
        panY += y - (offsetY + ly * scale);
    }

    /** A node in the centre at a readable scale. */
    void focus(GraphLayout layout, GraphLayout.Node n) {
        computeFit(layout);
        zoom = Math.max(1, Math.min(8, 0.9 / fitScale));
        double s = fitScale * zoom;
        double baseX = (viewWidth - layout.width() * s) / 2;
        double baseY = (viewHeight - layout.height() * s) / 2;
        panX = viewWidth / 2 - (baseX + (n.x() + n.w() / 2) * s);
        panY = viewHeight / 2 - (baseY + (n.y() + n.h() / 2) * s);
    }

    private void computeFit(GraphLayout layout) {
        double w = Math.max(1, viewWidth);
        double h = Math.max(1, viewHeight);
        fitScale = layout.width() <= 0 || layout.height() <= 0 ? 1
                : Math.min(MAX_FIT_SCALE, Math.min(w / layout.width(), h / layout.height()));
    }

    /** Layout units to pixels: fitted and centred, then the user's zoom and pan. */
    void update(GraphLayout layout) {
        computeFit(layout);
        scale = fitScale * zoom;
        offsetX = (viewWidth - layout.width() * scale) / 2 + panX;
        offsetY = (viewHeight - layout.height() * scale) / 2 + panY;
    }
}
