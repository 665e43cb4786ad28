package org.latent4j.compress.rq;

/**
 * How an additive code carries its reconstruction's squared norm ||x^||^2, which an L2 score needs beside the
 * query's inner products with the codewords (FAISS's {@code AdditiveQuantizer::Search_type_t}): as a 4-byte float
 * (exact), not at all (the search adds it up from the codebooks' cross products, M(M+1)/2 look-ups a code), or as
 * one byte indexing 256 {@link NormLevels} placed evenly ({@code qint8}) or by k-means ({@code cqint8}).
 */
public enum NormStorage {
    /** A 4-byte float: exact. */
    FLOAT("", 4),
    /** No norm: the search adds it up from the codebooks' cross products. */
    NONE("_nonorm", 0),
    /** One byte indexing 256 evenly placed levels. */
    QINT8("_Nqint8", 1),
    /** One byte indexing 256 levels placed by one-dimensional k-means. */
    CQINT8("_Ncqint8", 1);

    /** The token suffix that asks for it (FLOAT: none; {@code _Nfloat} is accepted too). */
    public final String suffix;
    /** Bytes after the packed indices. */
    public final int bytes;

    NormStorage(String suffix, int bytes) {
        this.suffix = suffix;
        this.bytes = bytes;
    }

    /** The regular-expression group a token's norm suffix matches. */
    public static final String SUFFIX_PATTERN = "(_nonorm|_Nnone|_Nfloat|_Nqint8|_Ncqint8)?";

    /**
     * The storage a suffix names (null or empty: FLOAT).
     *
     * @param s the suffix
     * @return the storage
     */
    public static NormStorage ofSuffix(String s) {
        if (s == null || s.isEmpty() || s.equals("_Nfloat")) return FLOAT;
        if (s.equals("_nonorm") || s.equals("_Nnone")) return NONE;
        for (NormStorage n : values()) if (n.suffix.equals(s)) return n;
        throw new IllegalArgumentException("unknown norm storage '" + s + "': expected _nonorm, _Nfloat, _Nqint8 or _Ncqint8");
    }

    /**
     * Whether the code holds one byte indexing a table of levels.
     *
     * @return true for the one-byte storages
     */
    public boolean quantized() {
        return bytes == 1;
    }

    /** The 256 levels for these training norms (only for the one-byte storages). */
    float[] fitLevels(float[] norms, int n) {
        return switch (this) {
            case QINT8 -> NormLevels.uniform(norms, n);
            case CQINT8 -> NormLevels.kmeans(norms, n);
            default -> throw new IllegalStateException(this + " has no levels");
        };
    }
}
