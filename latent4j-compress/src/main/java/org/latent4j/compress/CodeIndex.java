package org.latent4j.compress;

import org.latent4j.tensor.Tensor;

/** Codes that can be searched: the k nearest codes of each query, by a fixed {@link Metric}. */
public interface CodeIndex {
    /** {@return the number of codes} */
    int size();

    /** {@return the metric this index ranks by} */
    Metric metric();

    /**
     * Finds the k nearest codes of each query.
     *
     * @param queries [q, dimension] exact query rows
     * @param k       how many neighbours each query gets (fewer when the index holds fewer codes)
     * @return for each query, the ids (row numbers of the codes) and scores of its k nearest, nearest first
     */
    Neighbours search(Tensor queries, int k);
}
