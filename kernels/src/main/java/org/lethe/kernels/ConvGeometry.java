package org.lethe.kernels;

/**
 * The shape of a 2-D convolution's lowering: {@code images} images of {@code channels x height x width}
 * (NCHW, contiguous), a {@code kernelH x kernelW} window moved by {@code strideH, strideW} over the
 * input zero-padded by {@code padH, padW} on each side. {@link Backend#im2col} writes, per image, a
 * matrix of {@link #patchSize()} rows ({@code (c*kernelH + kh)*kernelW + kw}) by {@link #outputSize()}
 * columns ({@code oh*outW + ow}), so that a convolution is one GEMM per image with the weights viewed
 * as {@code [outChannels, patchSize]}.
 */
public record ConvGeometry(int images, int channels, int height, int width, int kernelH, int kernelW,
                           int strideH, int strideW, int padH, int padW) {

    public ConvGeometry {
        if (images < 0 || channels <= 0 || height <= 0 || width <= 0 || kernelH <= 0 || kernelW <= 0
                || strideH <= 0 || strideW <= 0 || padH < 0 || padW < 0) {
            throw new IllegalArgumentException("conv geometry: invalid " + describe(images, channels, height, width,
                    kernelH, kernelW, strideH, strideW, padH, padW));
        }
        if (height + 2 * padH < kernelH || width + 2 * padW < kernelW) {
            throw new IllegalArgumentException("conv geometry: kernel " + kernelH + "x" + kernelW
                    + " is larger than the padded input " + (height + 2 * padH) + "x" + (width + 2 * padW));
        }
    }

    private static String describe(int n, int c, int h, int w, int kh, int kw, int sh, int sw, int ph, int pw) {
        return "input [" + n + "," + c + "," + h + "," + w + "] kernel " + kh + "x" + kw + " stride " + sh + "x" + sw
                + " padding " + ph + "x" + pw;
    }

    public int outH() {
        return (height + 2 * padH - kernelH) / strideH + 1;
    }

    public int outW() {
        return (width + 2 * padW - kernelW) / strideW + 1;
    }

    /** Rows of the lowered matrix: channels * kernelH * kernelW. */
    public int patchSize() {
        return channels * kernelH * kernelW;
    }

    /** Columns of the lowered matrix: outH * outW. */
    public int outputSize() {
        return outH() * outW();
    }

    /** The same geometry for a different number of images. */
    public ConvGeometry withImages(int n) {
        return new ConvGeometry(n, channels, height, width, kernelH, kernelW, strideH, strideW, padH, padW);
    }
}
