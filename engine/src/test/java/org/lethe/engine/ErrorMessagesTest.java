package org.lethe.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.lethe.kernels.DType;

/** Misuse gets an exception naming the operation and the shapes, never an index-out-of-bounds. */
class ErrorMessagesTest {
    private static void message(String expected, Executable call) {
        Throwable e = assertThrows(RuntimeException.class, call);
        assertEquals(expected, e.getMessage());
        assertEquals(true, e instanceof IllegalArgumentException || e instanceof IllegalStateException,
                "unexpected exception type " + e.getClass());
    }

    @Test
    void shapeMistakes() {
        Tensor a = Tensor.zeros(32, 64);
        message("matmul: [32,64] x [32,1]: inner dimensions 64 and 32 differ", () -> a.matmul(Tensor.zeros(32, 1)));
        message("matmul: [32] x [32,1]: both operands need at least 2 dimensions (unsqueeze a vector)",
                () -> Tensor.zeros(32).matmul(Tensor.zeros(32, 1)));
        message("matmul: [2,3,4] x [5,4,2]: batch dimensions do not broadcast",
                () -> Tensor.zeros(2, 3, 4).matmul(Tensor.zeros(5, 4, 2)));
        message("add: shapes [2,3] and [4] do not broadcast (dimension -1: 3 vs 4)",
                () -> Tensor.zeros(2, 3).add(Tensor.zeros(4)));
        message("reshape: [2,3] (6 elements) cannot become [4,2]", () -> Tensor.zeros(2, 3).reshape(4, 2));
        message("mse_loss: prediction [32,1] and target [32] differ in shape",
                () -> Functional.mseLoss(Tensor.zeros(32, 1), Tensor.zeros(32), Reduction.MEAN));
        message("conv2d: input [8,3,32,32] has 3 channels but weight [16,1,3,3] expects 1",
                () -> Functional.conv2d(Tensor.zeros(8, 3, 32, 32), Tensor.zeros(16, 1, 3, 3), null, 1, 1));
        message("conv2d: input must be [N,C,H,W], got [3,32,32]",
                () -> Functional.conv2d(Tensor.zeros(3, 32, 32), Tensor.zeros(16, 3, 3, 3), null, 1, 1));
        message("max_pool2d: window 5x5 is larger than the padded input 4x4 for input [1,1,4,4]",
                () -> Functional.maxPool2d(Tensor.zeros(1, 1, 4, 4), 5, 1, 0));
        message("index_select: index 5 out of range for axis 0 of size 5 in [5,3]",
                () -> Tensor.zeros(5, 3).indexSelect(0, new int[] {1, 5}));
        message("slice: range [2, 1) does not fit axis 0 of size 5 in [5,3]", () -> Tensor.zeros(5, 3).slice(0, 2, 1));
        message("sum: axis 2 is out of range for a tensor of rank 2", () -> Tensor.zeros(5, 3).sum(2));
        message("squeeze: axis 0 of [5,3] has size 5, not 1", () -> Tensor.zeros(5, 3).squeeze(0));
        message("permute: axis 0 is repeated in [0,0]", () -> Tensor.zeros(5, 3).permute(0, 0));
        message("concat: shapes [2,3] and [2,4] differ outside axis 0",
                () -> Tensor.concat(List.of(Tensor.zeros(2, 3), Tensor.zeros(2, 4)), 0));
        message("masked_rows: a mask of 3 entries for a tensor of shape [5,3]",
                () -> Tensor.zeros(5, 3).maskedRows(new boolean[3]));
        message("max: reduction over an empty axis of shape [0,3]", () -> Tensor.zeros(0, 3).max());
        message("batch_norm: expected more than 1 value per channel when training, got input [1,4]",
                () -> Functional.batchNorm(Tensor.zeros(1, 4), null, null, null, null, true, 0.1, 1e-5));
        message("linear: input [5,3] has 3 features but weight [2,4] expects 4",
                () -> Functional.linear(Tensor.zeros(5, 3), Tensor.zeros(2, 4), null));
    }

    @Test
    void typeAndGraphMistakes() {
        message("mul: element types float32 and float64 differ; convert one with to(DType)",
                () -> Tensor.zeros(2).mul(Tensor.zeros(DType.FLOAT64, 2)));
        message("backward: the output has shape [2]; give the gradient of a non-scalar output explicitly",
                () -> Tensor.zeros(2).requiresGrad(true).mul(2.0).backward());
        message("backward: the tensor does not require grad (no input of it does, or it was computed under "
                + "GradMode.noGrad())", () -> Tensor.zeros(1).sum().backward());
        Tensor leaf = Tensor.zeros(2).requiresGrad(true);
        message("fill: in-place change of a tensor that requires grad; do it under GradMode.noGrad()", () -> leaf.fill(1));
        message("requiresGrad: only leaf tensors can change it; this one was computed by mul_scalar (use detach())",
                () -> leaf.mul(2.0).requiresGrad(false));
        message("tensor: 3 values do not fill shape [2,2]", () -> Tensor.of(new float[3], 2, 2));
        message("item: tensor of shape [2] has 2 elements, not 1", () -> Tensor.zeros(2).item());
    }
}
