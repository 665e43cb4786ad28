/**
 * Vector compression: compressors fitted from a spec string ({@link org.latent4j.compress.Compressors}), each a
 * registered {@link org.latent4j.compress.CompressorKind}; codes searched asymmetrically
 * ({@link org.latent4j.compress.CodeIndex}).
 */
package org.latent4j.compress;
