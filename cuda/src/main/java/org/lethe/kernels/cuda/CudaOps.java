package org.lethe.kernels.cuda;

import org.lethe.kernels.BinaryOp;
import org.lethe.kernels.DType;
import org.lethe.kernels.ReduceOp;
import org.lethe.kernels.UnaryOp;

/**
 * The operation codes of common.cuh ({@code UnaryCode}, {@code BinaryCode}, {@code ReduceCode}) and
 * the type suffixes of kernel names. The switches are exhaustive, so an operation added to an enum
 * without a code here does not compile; the kernel side is checked by the contract tests.
 */
final class CudaOps {
    private CudaOps() {
    }

    static int code(UnaryOp op) {
        return switch (op) {
            case NEG -> 0;
            case EXP -> 1;
            case LOG -> 2;
            case SQRT -> 3;
            case ABS -> 4;
            case SIGN -> 5;
            case RELU -> 6;
            case HEAVISIDE -> 7;
            case SIGMOID -> 8;
            case TANH -> 9;
            case RECIPROCAL -> 10;
            case SQUARE -> 11;
            case ADD_SCALAR -> 12;
            case MUL_SCALAR -> 13;
            case RSUB_SCALAR -> 14;
            case POW_SCALAR -> 15;
            case CLAMP_MIN -> 16;
            case CLAMP_MAX -> 17;
            case GT_SCALAR -> 18;
            case GE_SCALAR -> 19;
            case LT_SCALAR -> 20;
            case LE_SCALAR -> 21;
        };
    }

    static int code(BinaryOp op) {
        return switch (op) {
            case ADD -> 0;
            case SUB -> 1;
            case MUL -> 2;
            case DIV -> 3;
            case POW -> 4;
            case MAXIMUM -> 5;
            case MINIMUM -> 6;
            case EQ -> 7;
            case GT -> 8;
            case GE -> 9;
            case LT -> 10;
            case LE -> 11;
            case RELU_BACKWARD -> 12;
        };
    }

    static int code(ReduceOp op) {
        return switch (op) {
            case SUM -> 0;
            case MAX -> 1;
            case MIN -> 2;
        };
    }

    /** The suffix of kernel names for an element type: {@code f32} or {@code f64}. */
    static String suffix(DType t) {
        return switch (t) {
            case FLOAT32 -> "f32";
            case FLOAT64 -> "f64";
        };
    }
}
