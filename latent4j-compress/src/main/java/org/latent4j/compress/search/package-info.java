/**
 * Fast exhaustive search over codes: {@link org.latent4j.compress.search.LookupTableScan} for byte codes scored by
 * lookup tables, {@link org.latent4j.compress.search.PqFastScanIndex} for the 4-bit PQ fast scan, and
 * {@link org.latent4j.compress.search.RerankingIndex}, exact re-ranking over any index. All multi-threaded, with
 * results identical for any thread count.
 */
package org.latent4j.compress.search;
