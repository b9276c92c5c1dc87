/**
 * The regression models (MLP, AllCNN, ResNet-18 layout, a compact CNN, LSTM, character-level and
 * siamese LSTM text models), each returning its prediction and named activations, and rebuilt from a
 * {@link org.lethe.models.ModelSpec}.
 */
package org.lethe.models;
