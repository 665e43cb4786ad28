package org.latent4j.core.eval;

/**
 * What the evaluation measured about a model's codes, by the kind of code its encoder gives
 * ({@link org.latent4j.core.model.LatentCode}): a closed family, as the codes are.
 */
public sealed interface CodeDiagnostics permits GaussianDiagnostics, CodeActivity, CodebookDiagnostics, SparseCodeDiagnostics {
    /**
     * "gaussian", "deterministic", "discrete" or "sparse".
     *
     * @return the kind of code
     */
    String code();

    /**
     * A few lines for a person, each ending in a newline.
     *
     * @return the summary
     */
    String summary();
}
