package org.lethe.kernels.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * The register tile follows the vector width: 8 rows where vectors hold 16 floats (AVX-512), else 4.
 * Run twice by the build, the second time with {@code -XX:UseAVX=2}, so that on an AVX-512 machine
 * both tiles are tested by the GEMM contract tests.
 */
class VectorTileTest {
    @Test
    void rowsPerTileFollowTheVectorWidth() {
        assertEquals(VectorGemm.L >= 16 ? 8 : 4, VectorGemm.MR);
        System.out.println("VectorGemm: " + VectorGemm.L + " float lanes, " + VectorGemm.MR + "-row tiles");
    }
}
