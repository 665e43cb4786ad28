/**
 * Persistence without third-party dependencies.
 *
 * <p>A saved model is a directory written in one step with {@link org.latent4j.core.io.AtomicFiles#writeDirectory}:
 * its weights in the safetensors format ({@link org.latent4j.core.io.Safetensors}), which PyTorch users read
 * with {@code safetensors.torch.load_file}; its configuration as JSON mapped from records
 * ({@link org.latent4j.core.io.Json#toJson}, {@link org.latent4j.core.io.Json#fromJson}); and its metrics as JSON.
 * Single files are replaced atomically with {@link org.latent4j.core.io.AtomicFiles#write}. Errors in files name
 * the file and the place in it: line and column for JSON syntax, a key path for JSON values, the tensor and the
 * byte offsets for safetensors.
 */
package org.latent4j.core.io;
