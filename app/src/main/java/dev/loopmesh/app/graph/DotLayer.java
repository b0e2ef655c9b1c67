package dev.loopmesh.app.graph;

import javafx.geometry.Rectangle2D;
import javafx.scene.Node;
import javafx.scene.image.ImageView;
import javafx.scene.image.PixelBuffer;
import javafx.scene.image.PixelFormat;
import javafx.scene.image.WritableImage;

import java.nio.IntBuffer;

/**
 * The moving dots (and, zoomed far out, the edges under them), written straight into the pixels of an image. A canvas takes one drawing command per
 * dot, and in the software pipeline each command costs more than the square it fills; here a dot is
 * sixteen array stores, the old dots are wiped the same way, and the renderer copies the changed rows
 * once. The image covers the graph's boxes on screen only (see {@link #place}). FX thread only.
 */
final class DotLayer {
    /** Pixels a side. */
    static final int SIZE = 4;

    private final ImageView view = new ImageView();
    private int width;
    private int height;
    private int[] pixels = new int[0];
    /** What lies under the dots in this layer (the edges, when they are drawn as pixels); a wiped dot shows it again. */
    private int[] background = new int[0];
    private PixelBuffer<IntBuffer> buffer;
    /** Top-left pixel of each dot drawn last frame (x, y pairs), to wipe it. */
    private int[] drawn = new int[256];
    private int drawnCount;
    private int minY;
    private int maxY;
    /** Cells of {@link #SIZE} pixels a side under a metric chip: a dot there is not drawn, the chip stays readable. */
    private boolean[] covered = new boolean[0];
    private int cellsX;

    DotLayer() {
        view.setMouseTransparent(true);
        view.setSmooth(false);
        view.setFocusTraversable(false);
    }

    Node node() {
        return view;
    }

    /** Moves the layer to ({@code x}, {@code y}) in the graph's pixels, sized {@code w}×{@code h}; a new size starts empty. */
    void place(double x, double y, int w, int h) {
        view.relocate(x, y);
        if (w == width && h == height && buffer != null) {
            return;
        }
        width = Math.max(1, w);
        height = Math.max(1, h);
        pixels = new int[width * height];
        background = new int[width * height];
        buffer = new PixelBuffer<>(width, height, IntBuffer.wrap(pixels), PixelFormat.getIntArgbPreInstance());
        view.setImage(new WritableImage(buffer));
        drawnCount = 0;
        cellsX = width / SIZE + 1;
        covered = new boolean[cellsX * (height / SIZE + 1)];
    }

    private boolean covered(int px, int py) {
        if (px < 0 || py < 0) {
            return false;
        }
        int cx = px / SIZE;
        int cell = py / SIZE * cellsX + cx;
        return cx < cellsX && cell < covered.length && covered[cell];
    }

    /** Nothing hides dots any more. */
    void uncoverAll() {
        java.util.Arrays.fill(covered, false);
    }

    /** Dots whose centre falls in this rectangle (layer pixels) are not drawn, until {@link #uncoverAll}. */
    void cover(double x, double y, double w, double h) {
        int cx0 = Math.max(0, (int) Math.floor(x / SIZE));
        int cy0 = Math.max(0, (int) Math.floor(y / SIZE));
        int cx1 = Math.min(cellsX - 1, (int) Math.floor((x + w) / SIZE));
        int cy1 = Math.min(covered.length / Math.max(1, cellsX) - 1, (int) Math.floor((y + h) / SIZE));
        for (int cy = cy0; cy <= cy1; cy++) {
            for (int cx = cx0; cx <= cx1; cx++) {
                covered[cy * cellsX + cx] = true;
            }
        }
    }

    /** Wipes last frame's dots and draws the particles now, for a view of {@code scale} and offset in graph pixels. */
    void draw(Particles particles, double scale, double offsetX, double offsetY) {
        if (buffer == null) {
            return;
        }
        double ox = offsetX - view.getLayoutX();
        double oy = offsetY - view.getLayoutY();
        buffer.updateBuffer(b -> {
            int top = Integer.MAX_VALUE;
            int bottom = -1;
            for (int i = 0; i < drawnCount; i++) {
                wipe(drawn[2 * i], drawn[2 * i + 1]);
            }
            if (drawnCount > 0) {
                top = minY;
                bottom = maxY;
            }
            drawnCount = 0;
            minY = Integer.MAX_VALUE;
            maxY = -1;
            particles.forEach(scale, ox, oy, (px, py, argb) -> {
                int x = (int) Math.round(px) - SIZE / 2;
                int y = (int) Math.round(py) - SIZE / 2;
                if (x <= -SIZE || y <= -SIZE || x >= width || y >= height) {
                    return;
                }
                if (covered(x + SIZE / 2, y + SIZE / 2)) {
                    return;
                }
                fill(x, y, argb);
                if (drawnCount * 2 + 2 > drawn.length) {
                    drawn = java.util.Arrays.copyOf(drawn, drawn.length * 2);
                }
                drawn[2 * drawnCount] = x;
                drawn[2 * drawnCount + 1] = y;
                drawnCount++;
                minY = Math.min(minY, y);
                maxY = Math.max(maxY, y);
            });
            if (drawnCount > 0) {
                top = Math.min(top, minY);
                bottom = Math.max(bottom, maxY);
            }
            if (bottom < 0) {
                return Rectangle2D.EMPTY;
            }
            int y0 = Math.max(0, top);
            int y1 = Math.min(height, bottom + SIZE);
            return y1 <= y0 ? Rectangle2D.EMPTY : new Rectangle2D(0, y0, width, y1 - y0);
        });
    }

    /**
     * Replaces what lies under the dots: cleared, then drawn by {@code painter} (null: left empty). The
     * dots are drawn again on the next dot frame.
     */
    void paintBackground(java.util.function.Consumer<PixelLines> painter) {
        if (buffer == null) {
            return;
        }
        java.util.Arrays.fill(background, 0);
        if (painter != null) {
            painter.accept(new PixelLines(background, width, height));
        }
        buffer.updateBuffer(b -> {
            System.arraycopy(background, 0, pixels, 0, pixels.length);
            drawnCount = 0;
            return null;
        });
    }

    private void wipe(int x, int y) {
        int x0 = Math.max(0, x);
        int x1 = Math.min(width, x + SIZE);
        int y0 = Math.max(0, y);
        int y1 = Math.min(height, y + SIZE);
        for (int row = y0; row < y1; row++) {
            int at = row * width;
            System.arraycopy(background, at + x0, pixels, at + x0, Math.max(0, x1 - x0));
        }
    }

    private void fill(int x, int y, int argb) {
        int x0 = Math.max(0, x);
        int x1 = Math.min(width, x + SIZE);
        int y0 = Math.max(0, y);
        int y1 = Math.min(height, y + SIZE);
        for (int row = y0; row < y1; row++) {
            int at = row * width;
            for (int col = x0; col < x1; col++) {
                pixels[at + col] = argb;
            }
        }
    }

    /** For tests: the colour (premultiplied ARGB) at a pixel of the layer. */
    int pixel(int x, int y) {
        return x < 0 || y < 0 || x >= width || y >= height ? 0 : pixels[y * width + x];
    }

    int count() {
        return drawnCount;
    }
}
