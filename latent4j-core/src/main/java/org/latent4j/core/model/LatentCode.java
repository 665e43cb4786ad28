package org.latent4j.core.model;

import org.latent4j.core.distributions.DiagonalGaussian;
import org.latent4j.tensor.Shape;
import org.latent4j.tensor.ShapeException;
import org.latent4j.tensor.Tensor;

/**
 * What an encoder gives for a batch, saying what kind of code it is: the closed family of bottlenecks Latent4j
 * knows. Diagnostics attach to the kind ({@code eval.Evaluator}): KL, active units and mutual information to a
 * Gaussian posterior, activity to a deterministic code, codebook usage to discrete codes, L0 and dead latents to
 * sparse codes.
 */
public sealed interface LatentCode {
    /** {@return the code as the decoder takes it, [batch, latentDim]} */
    Tensor vector();

    /** {@return the rows of the batch} */
    default int batch() {
        return vector().dim(0);
    }

    /**
     * A diagonal Gaussian posterior q(z|x); its vector is the posterior mean.
     *
     * @param posterior the posterior over [batch, latent]
     */
    record Gaussian(DiagonalGaussian posterior) implements LatentCode {
        /** Requires a posterior over [batch, latent]. */
        public Gaussian {
            if (posterior == null || posterior.mean().rank() != 2) {
                throw new ShapeException("LatentCode.Gaussian: the posterior must be over [batch, latent]");
            }
        }

        /** {@return the posterior means, [batch, latent]} */
        @Override
        public Tensor vector() {
            return posterior.mean();
        }
    }

    /**
     * A deterministic code vector.
     *
     * @param vector the codes, [batch, latent]
     */
    record Deterministic(Tensor vector) implements LatentCode {
        /** Requires codes of shape [batch, latent]. */
        public Deterministic {
            if (vector == null || vector.rank() != 2) throw new ShapeException("LatentCode.Deterministic: the code must be [batch, latent]");
        }
    }

    /**
     * Discrete codes: at each of {@code positions} places of the latent (1 for a vector code, h * w for a grid), a
     * code from each of {@code stages} codebooks (several for residual quantization), and the quantized vector the
     * decoder takes.
     *
     * @param vector        the quantized code vectors, [batch, positions * dim] (position-major)
     * @param indices       the chosen codes, [batch, positions, stages] row-major
     * @param positions     places per example
     * @param stages        codebooks per place
     * @param codebookSizes the number of codes of each stage's codebook
     */
    record Discrete(Tensor vector, int[] indices, int positions, int stages, int[] codebookSizes) implements LatentCode {
        /** Checks the shapes, and that every index is within its stage's codebook. */
        public Discrete {
            if (vector == null || vector.rank() != 2) throw new ShapeException("LatentCode.Discrete: the vector must be [batch, latent]");
            if (positions < 1 || stages < 1 || codebookSizes.length != stages) {
                throw new IllegalArgumentException("LatentCode.Discrete: positions " + positions + " and stages " + stages
                        + " must be >= 1 with one codebook size per stage, got " + codebookSizes.length);
            }
            int b = vector.dim(0);
            if (indices.length != b * positions * stages) {
                throw new ShapeException("LatentCode.Discrete: " + indices.length + " indices for " + b + " rows of " + positions + " places and "
                        + stages + " stages");
            }
            for (int i = 0; i < indices.length; i++) {
                int stage = i % stages;
                if (indices[i] < 0 || indices[i] >= codebookSizes[stage]) {
                    throw new IllegalArgumentException("LatentCode.Discrete: index " + indices[i] + " at " + i + " is outside stage " + stage
                            + "'s " + codebookSizes[stage] + " codes");
                }
            }
            indices = indices.clone();
            codebookSizes = codebookSizes.clone();
        }

        /** {@return a copy of the indices} */
        @Override
        public int[] indices() {
            return indices.clone();
        }

        /** {@return a copy of the codebook sizes} */
        @Override
        public int[] codebookSizes() {
            return codebookSizes.clone();
        }

        /**
         * {@return the code of a row at a place in a stage}
         *
         * @param row      the row of the batch
         * @param position the place (position-major: p = row * w + column for a grid)
         * @param stage    the quantizer stage (0 for a single codebook)
         */
        public int index(int row, int position, int stage) {
            return indices[(row * positions + position) * stages + stage];
        }
    }

    /**
     * A sparse code: per row, {@code k} of {@code latents} latents with their values (some values may be zero,
     * e.g. after a ReLU; L0 counts the non-zero ones).
     *
     * @param indices the active latents, [batch, k] row-major
     * @param values  their values, [batch, k]
     * @param latents the size of the dictionary
     */
    record Sparse(int[] indices, Tensor values, int latents) implements LatentCode {
        /** Checks the shapes, and that every index is a latent; the indices are copied. */
        public Sparse {
            if (values == null || values.rank() != 2) throw new ShapeException("LatentCode.Sparse: values must be [batch, k]");
            if (indices.length != values.size()) {
                throw new ShapeException("LatentCode.Sparse: " + indices.length + " indices for values " + Shape.str(values.shape()));
            }
            for (int i : indices) {
                if (i < 0 || i >= latents) throw new IllegalArgumentException("LatentCode.Sparse: latent " + i + " is outside 0.." + (latents - 1));
            }
            indices = indices.clone();
        }

        /** {@return a copy of the indices} */
        @Override
        public int[] indices() {
            return indices.clone();
        }

        /** {@return the active latents per row} */
        public int k() {
            return values.dim(1);
        }

        /** {@return the rows of the batch} */
        @Override
        public int batch() {
            return values.dim(0);
        }

        /** The dense code [batch, latents]: zero except at the active latents (repeated indices add up). */
        @Override
        public Tensor vector() {
            int b = values.dim(0), k = values.dim(1);
            float[] v = values.contiguous().toArray();
            Tensor dense = Tensor.zeros(b, latents);
            float[] d = dense.data();
            int o = dense.offset();
            for (int r = 0; r < b; r++) for (int j = 0; j < k; j++) d[o + r * latents + indices[r * k + j]] += v[r * k + j];
            return dense;
        }
    }
}
