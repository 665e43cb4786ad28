/**
 * Sparse autoencoders: an overcomplete dictionary of L latents of which each input uses k, their codes
 * {@link org.latent4j.core.model.LatentCode.Sparse} (the evaluation reports L0, dead latents and the feature-density
 * histogram for them).
 *
 * <ul>
 *   <li>{@code topk-sae} ({@link org.latent4j.core.model.sae.TopKSae}): Gao et al. 2024, "Scaling and evaluating sparse
 *       autoencoders": ReLU then top-k, the pre-encoder bias at the geometric median, unit-norm decoder atoms, the
 *       encoder initialised as the decoder's transpose, the AuxK loss on latents dead for N training rows, inputs scaled
 *       to a mean squared norm of d.</li>
 *   <li>{@code ksparse-ae} ({@link org.latent4j.core.model.sae.KSparseAutoencoder}): Makhzani and Frey 2013,
 *       "k-Sparse Autoencoders": linear, tied weights, the k largest units, k scheduled down from a larger start, alpha k
 *       units at encoding.</li>
 * </ul>
 *
 * <p>Both decode a code as the sum of its k atoms ({@code LinearAlgebra.sparseRowsMatmul}), never as a product with a
 * [batch, L] matrix of zeros, and train their encoder through the k chosen pre-activations only
 * ({@code LinearAlgebra.sparseRowsDot}): one dense product per step, for choosing the latents. Both minimise the
 * squared error summed over the features and averaged over the batch, the negative log-likelihood of a fixed Gaussian
 * without its constant (each model's {@code likelihood()} says which).
 */
package org.latent4j.core.model.sae;
