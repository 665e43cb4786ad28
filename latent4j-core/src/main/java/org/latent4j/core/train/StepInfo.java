package org.latent4j.core.train;

/**
 * What a listener hears after each optimizer step.
 *
 * @param epoch        the 0-based epoch in progress
 * @param epochs       epochs the run is set to take
 * @param step         optimizer steps completed since the start of training
 * @param batch        batches completed in this epoch, from 1
 * @param batches      batches in an epoch
 * @param rowsDone     training rows seen in this epoch so far
 * @param rows         training rows in an epoch
 * @param loss         this step's loss
 * @param learningRate this step's learning rate
 * @param metrics      what the model's loss reported for this step's batch ({@code LossResult.metrics})
 */
public record StepInfo(int epoch, int epochs, long step, int batch, int batches, long rowsDone, long rows, double loss,
                       double learningRate, java.util.Map<String, Double> metrics) {}
