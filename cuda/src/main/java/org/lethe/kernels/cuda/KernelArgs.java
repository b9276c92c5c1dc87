package org.lethe.kernels.cuda;

import java.util.ArrayList;
import java.util.List;

/**
 * The parameters of one kernel launch, in the order of the kernel's C signature. Each parameter is
 * a value of a C type: a device pointer (64 bits), {@code int}, {@code long long}, {@code float},
 * {@code double}, or a struct of {@code int}s (a layout). The driver copies each parameter's bytes
 * as cuLaunchKernel does, so a struct travels as its array of ints.
 */
final class KernelArgs {
    /** The C type of a parameter. */
    enum Kind { POINTER, INT, LONG, FLOAT, DOUBLE, INT_STRUCT }

    /** One parameter: its type and value ({@code Long}, {@code Integer}, {@code Float}, {@code Double} or {@code int[]}). */
    record Arg(Kind kind, Object value) {
        /** Size in bytes of the C value. */
        int bytes() {
            return switch (kind) {
                case POINTER, LONG, DOUBLE -> 8;
                case INT, FLOAT -> 4;
                case INT_STRUCT -> 4 * ((int[]) value).length;
            };
        }
    }

    private final List<Arg> args = new ArrayList<>(20);

    static KernelArgs of() {
        return new KernelArgs();
    }

    /** A device address (0 for a null pointer). */
    KernelArgs ptr(long address) {
        args.add(new Arg(Kind.POINTER, address));
        return this;
    }

    KernelArgs i32(int v) {
        args.add(new Arg(Kind.INT, v));
        return this;
    }

    KernelArgs i64(long v) {
        args.add(new Arg(Kind.LONG, v));
        return this;
    }

    KernelArgs f32(float v) {
        args.add(new Arg(Kind.FLOAT, v));
        return this;
    }

    KernelArgs f64(double v) {
        args.add(new Arg(Kind.DOUBLE, v));
        return this;
    }

    /** A C struct whose members are all {@code int}s, passed by value. */
    KernelArgs struct(int[] members) {
        args.add(new Arg(Kind.INT_STRUCT, members.clone()));
        return this;
    }

    List<Arg> list() {
        return args;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < args.size(); i++) {
            Arg a = args.get(i);
            sb.append(i == 0 ? "" : ", ").append(a.kind() == Kind.POINTER ? "0x" + Long.toHexString((Long) a.value())
                    : a.kind() == Kind.INT_STRUCT ? java.util.Arrays.toString((int[]) a.value()) : String.valueOf(a.value()));
        }
        return sb.append(')').toString();
    }
}
