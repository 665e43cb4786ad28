/**
 * Internal: the engine's compute kernels (element-wise, GEMM, code search and scans), each a Vector-API
 * implementation with a scalar twin chosen at start-up. Other Latent4j modules call them; they are not a supported
 * API, may change in any release, and are left out of the javadoc ({@code excludePackageNames} in the root pom).
 * Use the operations of {@code org.latent4j.tensor.ops} and {@code Tensor} instead.
 */
package org.latent4j.tensor.kernel;
