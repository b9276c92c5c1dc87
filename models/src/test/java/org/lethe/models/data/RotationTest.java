package org.lethe.models.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.lethe.engine.Rng;
import org.lethe.engine.Tensor;
import org.lethe.models.data.BuiltinDatasets;

/** The rotation task's inputs are the originals turned by their targets; flips negate the target. */
class RotationTest {
    private static float[] original(int i) throws Exception {
        byte[] raw = new GZIPInputStream(new ByteArrayInputStream(DataFiles.read("fashion-mnist",
                "train-images-idx3-ubyte.gz"))).readAllBytes();
        float[] img = new float[784];
        for (int p = 0; p < 784; p++) {
            img[p] = (raw[16 + i * 784 + p] & 0xff) / 255f;
        }
        return img;
    }

    @Test
    void aQuarterTurnMovesARightPixelToTheTop() {
        float[] img = new float[9 * 9];
        img[4 * 9 + 8] = 1;                  // right of centre
        float[] r = ImageRotation.rotate(img, 9, 90);
        assertEquals(1f, r[0 * 9 + 4], 1e-6f, "counter-clockwise on screen: now above the centre");
        assertEquals(1f, ImageRotation.rotate(img, 9, -90)[8 * 9 + 4], 1e-6f);
        assertArrayEquals(img, ImageRotation.rotate(img, 9, 0));
    }

    @Test
    void storedImagesAreTheOriginalsRotatedByTheTarget() throws Exception {
        RegressionData d = BuiltinDatasets.load("fashion-rotation");
        double[] x = d.inputs().slice(0, 7, 8).toDoubleArray();
        float[] expected = ImageRotation.rotate(original(7), 28, d.target(7));
        for (int p = 0; p < 784; p++) {
            assertEquals(expected[p], x[p], 1e-6);
        }
        // turning back by the target recovers the centre of the original
        float[] back = ImageRotation.rotate(expected, 28, -d.target(7));
        float[] orig = original(7);
        double err = 0;
        int n = 0;
        for (int y = 8; y < 20; y++) {
            for (int xx = 8; xx < 20; xx++) {
                err += Math.abs(back[y * 28 + xx] - orig[y * 28 + xx]);
                n++;
            }
        }
        assertEquals(0, err / n, 0.08, "mean absolute error after rotating back (bilinear blur only)");
    }

    @Test
    void aMirroredRotationIsTheMirrorRotatedTheOtherWay() throws Exception {
        float[] img = original(3);
        float[] a = ImageRotation.flipHorizontal(ImageRotation.rotate(img, 28, 31.5), 28);
        float[] b = ImageRotation.rotate(ImageRotation.flipHorizontal(img, 28), 28, -31.5);
        for (int p = 0; p < a.length; p++) {
            assertEquals(a[p], b[p], 1e-5);
        }
    }

    @Test
    void flipAugmentationNegatesTheTargetsOfFlippedImages() {
        RegressionData d = BuiltinDatasets.load("fashion-rotation");
        int[] rows = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11};
        Batch plain = d.batch(rows);
        Batch aug = new FlipAugmented(d, new Rng(4)).batch(rows);
        int flipped = 0;
        double[] px = plain.x().toDoubleArray();
        double[] ax = aug.x().toDoubleArray();
        for (int i = 0; i < rows.length; i++) {
            double ty = plain.y().get(i, 0);
            double ay = aug.y().get(i, 0);
            if (ay == -ty && ty != 0) {
                flipped++;
                for (int y = 0; y < 28; y++) {
                    for (int x = 0; x < 28; x++) {
                        assertEquals(px[i * 784 + y * 28 + 27 - x], ax[i * 784 + y * 28 + x], 0.0);
                    }
                }
            } else {
                assertEquals(ty, ay, 0.0);
                assertEquals(Tensor.of(java.util.Arrays.copyOfRange(px, i * 784, i * 784 + 784), 784).toString(),
                        Tensor.of(java.util.Arrays.copyOfRange(ax, i * 784, i * 784 + 784), 784).toString());
            }
        }
        assertEquals(true, flipped > 0 && flipped < rows.length, "some but not all flipped: " + flipped);
    }
}
