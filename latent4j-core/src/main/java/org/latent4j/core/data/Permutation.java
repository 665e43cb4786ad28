package org.latent4j.core.data;

import java.util.SplittableRandom;

/**
 * The one source of randomness in the data layer: every shuffle and split of rows comes from
 * {@link #of(int, long, long)}, so replacing the generator (with the engine's counter-based one) is a
 * change to this file alone.
 *
 * <p>Current definition: a Fisher-Yates shuffle of 0..n-1 (from the last position down, swapping
 * position i with {@code nextInt(i + 1)}) driven by {@link SplittableRandom} seeded with
 * {@code mix(seed, stream)}, where mix is two rounds of the SplitMix64 finalizer. The stream separates
 * uses of one user seed (the train/validation split, each epoch's order) so that they are unrelated
 * permutations rather than shifted copies of one random sequence, which is what seeding SplittableRandom
 * with {@code seed + epoch} would give.
 */
public final class Permutation {
    private Permutation() {}

    /** The stream of the train/validation split; epoch orders use streams 0, 1, 2, .... */
    public static final long SPLIT_STREAM = -1L;

    /**
     * {@return a uniformly random permutation of 0..n-1, a function of (seed, stream) only}
     *
     * @param n the length
     * @param seed the run's seed
     * @param stream the stream: an epoch, or {@link #SPLIT_STREAM}
     */
    public static int[] of(int n, long seed, long stream) {
        if (n < 0) throw new IllegalArgumentException("permutation of a negative count " + n);
        int[] p = new int[n];
        for (int i = 0; i < n; i++) p[i] = i;
        SplittableRandom random = new SplittableRandom(mix(seed, stream));
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    static long mix(long seed, long stream) {
        return splitMix(splitMix(seed) ^ (stream * 0x9E3779B97F4A7C15L + 0x632BE59BD9B4E019L));
    }

    private static long splitMix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
