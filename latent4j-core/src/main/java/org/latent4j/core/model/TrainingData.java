package org.latent4j.core.model;

import org.latent4j.tensor.Tensor;

/** What a model may look at before its first training step ({@link LatentModel#initialise}). */
public interface TrainingData {
    /**
     * Training rows.
     *
     * @return the number of rows
     */
    int rows();

    /**
     * The mean of each feature over the training rows, before any binarization (intensities, for images).
     *
     * @return the means
     */
    float[] featureMeans();

    /**
     * Up to {@code maxRows} training rows chosen at random (by the run's seed), prepared exactly as training
     * batches are (binarized when training binarizes), [rows, features].
     *
     * @param maxRows the most rows returned
     * @return the rows, [m, d]
     */
    Tensor sample(int maxRows);

    /**
     * The mean of each column of x [n, d], summed in double.
     *
     * @param x the rows
     * @return the means
     */
    static float[] columnMeans(Tensor x) {
        int n = x.dim(0), d = x.dim(1);
        float[] v = x.contiguous().toArray();
        double[] sum = new double[d];
        for (int i = 0; i < n; i++) for (int j = 0; j < d; j++) sum[j] += v[i * d + j];
        float[] mean = new float[d];
        for (int j = 0; j < d; j++) mean[j] = (float) (sum[j] / n);
        return mean;
    }

    /**
     * The rows x [n, d] as they are, for a training loop of one's own: their column means, and the first rows as the
     * sample (x must already be prepared as the batches will be).
     *
     * @param x the rows
     * @return the training data
     */
    static TrainingData of(Tensor x) {
        return new TrainingData() {
            @Override
            public int rows() {
                return x.dim(0);
            }

            @Override
            public float[] featureMeans() {
                return columnMeans(x);
            }

            @Override
            public Tensor sample(int maxRows) {
                return x.slice(0, 0, Math.min(maxRows, x.dim(0))).contiguous();
            }
        };
    }
}
