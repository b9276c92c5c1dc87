package org.lethe.models.data;

/**
 * Rotation of a square grey image about its centre with bilinear interpolation and zero fill. A
 * positive angle turns the content counter-clockwise as displayed (rows downwards): output pixel
 * {@code (x, y)} samples the input at the point rotated by the opposite angle.
 */
public final class ImageRotation {
    private ImageRotation() {
    }

    /** {@code size x size} pixels, row-major, rotated by {@code degrees}. */
    public static float[] rotate(float[] image, int size, double degrees) {
        double t = Math.toRadians(degrees);
        double cos = Math.cos(t);
        double sin = Math.sin(t);
        double c = (size - 1) / 2.0;
        float[] out = new float[size * size];
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                double dx = x - c;
                double dy = y - c;
                // content turns counter-clockwise on screen (y down): sample at the clockwise-rotated point
                double sx = cos * dx - sin * dy + c;
                double sy = sin * dx + cos * dy + c;
                out[y * size + x] = (float) sample(image, size, sx, sy);
            }
        }
        return out;
    }

    private static double sample(float[] img, int size, double x, double y) {
        int x0 = (int) Math.floor(x);
        int y0 = (int) Math.floor(y);
        double fx = x - x0;
        double fy = y - y0;
        return (1 - fx) * (1 - fy) * at(img, size, x0, y0) + fx * (1 - fy) * at(img, size, x0 + 1, y0)
                + (1 - fx) * fy * at(img, size, x0, y0 + 1) + fx * fy * at(img, size, x0 + 1, y0 + 1);
    }

    private static double at(float[] img, int size, int x, int y) {
        return x < 0 || y < 0 || x >= size || y >= size ? 0.0 : img[y * size + x];
    }

    /** The image mirrored left to right (which negates any rotation it carries). */
    public static float[] flipHorizontal(float[] image, int size) {
        float[] out = new float[image.length];
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                out[y * size + x] = image[y * size + size - 1 - x];
            }
        }
        return out;
    }
}
