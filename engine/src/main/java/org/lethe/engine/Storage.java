package org.lethe.engine;

import org.lethe.kernels.Backend;
import org.lethe.kernels.Buffer;
import org.lethe.kernels.DType;

/**
 * The memory behind one or more tensors (a tensor and its views share it), with a version counter
 * that in-place changes bump so that backward can detect a saved tensor that changed under it.
 */
final class Storage implements AutoCloseable {
    final Buffer buffer;
    private int version;

    Storage(Backend backend, DType dtype, int length, boolean zero) {
        this.buffer = zero ? backend.allocate(dtype, length) : backend.allocateUninitialized(dtype, length);
        TensorScope.register(this);
    }

    Backend backend() {
        return buffer.backend();
    }

    int version() {
        return version;
    }

    void bumpVersion() {
        version++;
    }

    boolean isClosed() {
        return buffer.isClosed();
    }

    @Override
    public void close() {
        buffer.close();
    }
}
