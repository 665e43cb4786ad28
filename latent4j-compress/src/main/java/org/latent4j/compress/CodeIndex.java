package org.latent4j.compress;

import org.latent4j.tensor.Tensor;

/** Codes that can be searched: the k nearest codes of each query, by a fixed {@link Metric}. */
public interface CodeIndex {
    /** The number of codes. */
    int size();

    /** The metric this index ranks by. */
    Metric metric();

    /** For each row of queries [q, dimension], the ids (row numbers of the codes) and scores of its k nearest. */
    Neighbours search(Tensor queries, int k);
}
