/**
 * The regression models (MLP, AllCNN, ResNet-18 layout, a compact CNN, LSTM, character-level and
 * siamese LSTM text models), each returning its prediction and named activations, and rebuilt from a
 * {@link org.lethe.models.ModelSpec}; and the {@link org.lethe.models.Ensemble} of such models that
 * SISA unlearning produces.
 */
package org.lethe.models;
