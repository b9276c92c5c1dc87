/**
 * Tensors with reverse-mode autodiff on any backend of {@code org.lethe.kernels}: {@link org.lethe.engine.Tensor},
 * graph recording controlled by {@link org.lethe.engine.GradMode}, explicit memory lifetimes with
 * {@link org.lethe.engine.TensorScope}, the seeded generator {@link org.lethe.engine.Rng}, and the
 * neural-network functions of {@link org.lethe.engine.Functional}. Each operation is one package-private
 * class holding its forward and backward; composites are built from them.
 */
package org.lethe.engine;
