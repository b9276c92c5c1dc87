package org.lethe.kernels.cpu;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.lethe.kernels.ConvGeometry;
import org.lethe.kernels.DType;
import org.lethe.kernels.View;

/**
 * The geometries of FusedConvolutionTest and the contract suite do take the fused path (so that
 * comparing it with the lowering compares two different computations), and those that should fall
 * back do.
 */
class CpuConv2dPathTest {
    @Test
    void theFusedPathIsTakenWhereTheTestsExpectIt() {
        try (CpuBackend be = new CpuBackend(2); CpuParallel parallel = new CpuParallel(2)) {
            View f32 = View.contiguous(be.allocate(DType.FLOAT32, 1), 0, 1);
            View f64 = View.contiguous(be.allocate(DType.FLOAT64, 1), 0, 1);
            ConvGeometry[] fused = {new ConvGeometry(32, 16, 14, 14, 3, 3, 1, 1, 1, 1), new ConvGeometry(17, 1, 28, 28, 3, 3, 1, 1, 1, 1),
                new ConvGeometry(20, 40, 6, 6, 3, 3, 1, 1, 1, 1), new ConvGeometry(18, 3, 9, 11, 5, 3, 2, 1, 2, 1)};
            int[] outChannels = {32, 16, 7, 33};
            for (int i = 0; i < fused.length; i++) {
                assertTrue(CpuConv2d.applies(parallel, fused[i], f32), "fused: " + fused[i]);
                assertTrue(CpuConv2d.weightBlocksApply(fused[i], outChannels[i]), "blocked weight gradient: " + fused[i]);
            }
            assertTrue(CpuConv2d.sameSize(fused[0]));
            assertFalse(CpuConv2d.sameSize(fused[3]));
            assertFalse(CpuConv2d.applies(parallel, new ConvGeometry(12, 3, 7, 6, 3, 3, 2, 2, 1, 1), f32), "horizontal stride");
            assertFalse(CpuConv2d.applies(parallel, new ConvGeometry(1, 3, 7, 6, 3, 3, 1, 1, 1, 1), f32), "one image");
            assertFalse(CpuConv2d.applies(parallel, fused[0], f64), "float64");
            assertFalse(CpuConv2d.weightBlocksApply(new ConvGeometry(12, 3, 7, 6, 3, 3, 1, 1, 1, 1), 4), "12 images");
        }
    }
}
