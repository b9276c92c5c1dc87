package org.lethe.models;

import org.lethe.engine.Tensor;

/** A named intermediate output of a model, such as the post-ReLU output of a convolution block. */
public record Activation(String name, Tensor value) {
}
