package org.latent4j.core.train;

import java.util.OptionalDouble;

/**
 * One line of the loss history.
 *
 * @param epoch           epochs completed, from 1
 * @param step            optimizer steps completed since the start of training
 * @param trainLoss       mean over the epoch's training rows of the loss (each batch weighted by its rows)
 * @param reconstruction  the same mean of the reconstruction term
 * @param regularization  the same mean of the regularization term
 * @param validationLoss  mean loss over the validation rows after the epoch, or empty without validation
 * @param learningRate    the rate of the epoch's last step
 * @param seconds         wall-clock time of the epoch (training and validation)
 */
public record EpochRecord(int epoch, long step, double trainLoss, double reconstruction, double regularization,
                          OptionalDouble validationLoss, double learningRate, double seconds) {}
