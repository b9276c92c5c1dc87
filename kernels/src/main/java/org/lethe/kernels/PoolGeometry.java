package org.lethe.kernels;

/**
 * A 2-D pooling window over NCHW input, with PyTorch's conventions: floor division for the output size,
 * padding of at most half the window, max pooling treating padding as -infinity and taking the first
 * maximum in a window, average pooling counting the padding in the divisor ({@code count_include_pad}).
 */
public record PoolGeometry(int images, int channels, int height, int width, int kernelH, int kernelW,
                           int strideH, int strideW, int padH, int padW) {

    public PoolGeometry {
        if (images < 0 || channels <= 0 || height <= 0 || width <= 0 || kernelH <= 0 || kernelW <= 0
                || strideH <= 0 || strideW <= 0 || padH < 0 || padW < 0) {
            throw new IllegalArgumentException("pool geometry: invalid input [" + images + "," + channels + ","
                    + height + "," + width + "] window " + kernelH + "x" + kernelW + " stride " + strideH + "x"
                    + strideW + " padding " + padH + "x" + padW);
        }
        if (2 * padH > kernelH || 2 * padW > kernelW) {
            throw new IllegalArgumentException("pool geometry: padding " + padH + "x" + padW
                    + " must be at most half the window " + kernelH + "x" + kernelW);
        }
        if (height + 2 * padH < kernelH || width + 2 * padW < kernelW) {
            throw new IllegalArgumentException("pool geometry: window " + kernelH + "x" + kernelW
                    + " is larger than the padded input " + (height + 2 * padH) + "x" + (width + 2 * padW));
        }
    }

    public int outH() {
        return (height + 2 * padH - kernelH) / strideH + 1;
    }

    public int outW() {
        return (width + 2 * padW - kernelW) / strideW + 1;
    }
}
