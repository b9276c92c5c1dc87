package org.lethe.models.train;

/** One epoch of training: mean training loss, validation loss (NaN without validation), learning rate, seconds. */
public record EpochRecord(int epoch, double trainLoss, double validationLoss, double learningRate, double seconds) {
}
