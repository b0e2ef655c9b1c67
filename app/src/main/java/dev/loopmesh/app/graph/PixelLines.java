package dev.loopmesh.app.graph;

/**
 * Lines and curves written straight into an ARGB pixel array, without anti-aliasing: how the graph
 * draws its edges when it is zoomed out so far that they are a pixel wide. Marlin, the software
 * pipeline's rasteriser, spent about 25 ms of a repaint on the 400 anti-aliased curves of a 200-service
 * mesh; this takes under a millisecond. Pure.
 */
final class PixelLines {
    /** On and off lengths of a dashed line, in pixels. */
    static final int DASH = 4;

    private final int[] pixels;
    private final int width;
    private final int height;

    PixelLines(int[] pixels, int width, int height) {
        this.pixels = pixels;
        this.width = width;
        this.height = height;
    }

    /** A cubic edge, in layout units, shown at {@code scale} and offset. */
    void curve(EdgeGeometry g, double scale, double ox, double oy, int argb, int thickness, boolean dashed) {
        double x0 = ox + g.x0() * scale;
        double y0 = oy + g.y0() * scale;
        double x1 = ox + g.x1() * scale;
        double y1 = oy + g.y1() * scale;
        double length = Math.abs(x1 - x0) + Math.abs(y1 - y0);
        int segments = (int) Math.max(4, Math.min(64, length / 6));
        int dash = 0;
        double px = x0;
        double py = y0;
        for (int i = 1; i <= segments; i++) {
            double t = (double) i / segments;
            double nx = ox + g.x(t) * scale;
            double ny = oy + g.y(t) * scale;
            dash = line((int) Math.round(px), (int) Math.round(py), (int) Math.round(nx), (int) Math.round(ny), argb, thickness,
                    dashed ? dash : -1);
            px = nx;
            py = ny;
        }
    }

    /**
     * Bresenham from (x0, y0) to (x1, y1), {@code thickness} pixels across; returns the dash counter to
     * carry on with ({@code dash} below 0: solid).
     */
    int line(int x0, int y0, int x1, int y1, int argb, int thickness, int dash) {
        int dx = Math.abs(x1 - x0);
        int dy = -Math.abs(y1 - y0);
        int sx = x0 < x1 ? 1 : -1;
        int sy = y0 < y1 ? 1 : -1;
        boolean steep = -dy > dx;
        int err = dx + dy;
        int x = x0;
        int y = y0;
        while (true) {
            if (dash < 0 || dash++ % (2 * DASH) < DASH) {
                for (int k = 0; k < thickness; k++) {
                    int o = k - thickness / 2;
                    set(steep ? x + o : x, steep ? y : y + o, argb);
                }
            }
            if (x == x1 && y == y1) {
                return dash;
            }
            int e2 = 2 * err;
            if (e2 >= dy) {
                err += dy;
                x += sx;
            }
            if (e2 <= dx) {
                err += dx;
                y += sy;
            }
        }
    }

    /** A filled rectangle in pixels, rounded to whole pixels and cut to the array. */
    void fillRect(double x, double y, double w, double h, int argb) {
        int x0 = (int) Math.max(0, Math.round(x));
        int y0 = (int) Math.max(0, Math.round(y));
        int x1 = (int) Math.min(width, Math.round(x + w));
        int y1 = (int) Math.min(height, Math.round(y + h));
        for (int row = y0; row < y1; row++) {
            java.util.Arrays.fill(pixels, row * width + x0, row * width + Math.max(x0, x1), argb);
        }
    }

    private void set(int x, int y, int argb) {
        if (x >= 0 && y >= 0 && x < width && y < height) {
            pixels[y * width + x] = argb;
        }
    }
}
