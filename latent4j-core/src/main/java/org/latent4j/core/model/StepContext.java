package org.latent4j.core.model;

import org.latent4j.tensor.random.Rng;

/**
 * What a model's step hooks ({@link LatentModel#beforeOptimizerStep}, {@link LatentModel#afterOptimizerStep}) are
 * given.
 *
 * @param result       this step's {@link LossResult} (with whatever the model kept in it for its hooks)
 * @param progress     where training is
 * @param rng          a generator for the hooks of this step, a function of the seed and the step only
 * @param learningRate this step's learning rate
 */
public record StepContext(LossResult result, TrainingProgress progress, Rng rng, double learningRate) {}
