/**
 * Modules and layers with PyTorch's layouts, names and default initialisation: {@link org.lethe.models.nn.Module},
 * Linear, Conv2d, BatchNorm1d/2d, ReLU, Dropout, pooling, Flatten, Embedding, LSTM and Sequential.
 */
package org.lethe.models.nn;
