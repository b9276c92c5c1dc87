/**
 * Optimisers (SGD, Adam, AdamW), gradient clipping and learning-rate schedulers
 * (ReduceLROnPlateau, cosine annealing), each with PyTorch's semantics and tested against PyTorch
 * trajectories.
 */
package org.lethe.engine.optim;
