/**
 * Divergences and sample statistics that objectives beyond the KL share: the kernel MMD ({@link
 * org.latent4j.core.divergence.KernelMmd}), the sliced Wasserstein distance ({@link
 * org.latent4j.core.divergence.SlicedWasserstein}), the sigma points of the unscented transform ({@link
 * org.latent4j.core.divergence.SigmaPoints}) and VICReg's variance and covariance terms ({@link
 * org.latent4j.core.divergence.VicRegTerms}).
 */
package org.latent4j.core.divergence;
