package org.latent4j.bench.jvector;

import io.github.jbellis.jvector.disk.ByteBufferIndexWriter;
import io.github.jbellis.jvector.disk.ByteBufferReader;
import io.github.jbellis.jvector.graph.ListRandomAccessVectorValues;
import io.github.jbellis.jvector.graph.disk.OnDiskGraphIndex;
import io.github.jbellis.jvector.graph.similarity.ScoreFunction;
import io.github.jbellis.jvector.quantization.ImmutablePQVectors;
import io.github.jbellis.jvector.quantization.KMeansPlusPlusClusterer;
import io.github.jbellis.jvector.quantization.PQVectors;
import io.github.jbellis.jvector.quantization.ProductQuantization;
import io.github.jbellis.jvector.vector.VectorSimilarityFunction;
import io.github.jbellis.jvector.vector.VectorizationProvider;
import io.github.jbellis.jvector.vector.types.ByteSequence;
import io.github.jbellis.jvector.vector.types.VectorFloat;
import io.github.jbellis.jvector.vector.types.VectorTypeSupport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ForkJoinPool;
import org.latent4j.compress.CodeDistance;
import org.latent4j.compress.CodeIndex;
import org.latent4j.compress.Compressor;
import org.latent4j.compress.Compressors;
import org.latent4j.compress.Metric;
import org.latent4j.compress.Neighbours;
import org.latent4j.compress.ScanIndex;
import org.latent4j.compress.StageState;
import org.latent4j.tensor.Tensor;
import org.latent4j.tensor.parallel.Parallel;

/**
 * A fitted jvector {@link ProductQuantization} behind Latent4j's {@link Compressor}: codes are jvector's own bytes
 * (one centroid index per subspace), encoded by {@code encodeAll} and searched with jvector's precomputed lookup
 * tables ({@code PQVectors.precomputedScoreFunctionFor}), queries spread over {@link Parallel}'s threads, every
 * code scored. L2 only: the quantizer is fitted globally centred, as jvector does for Euclidean data, and its
 * dot-product tables would then score centred vectors. jvector's similarity s = 1 / (1 + d^2) is turned back into
 * the squared distance 1 / s - 1.
 */
final class JvectorPqCompressor implements Compressor {
    private static final VectorTypeSupport VTS = VectorizationProvider.getInstance().getVectorTypeSupport();

    private final ProductQuantization pq;
    private final int dimension;

    private JvectorPqCompressor(ProductQuantization pq) {
        this.pq = pq;
        this.dimension = pq.getOriginalDimension();
    }

    /** Which of jvector's vectorization providers runs (Panama with the Vector API, or the scalar one). */
    static String provider() {
        return VectorizationProvider.getInstance().getClass().getSimpleName();
    }

    private static ForkJoinPool pool() {
        return new ForkJoinPool(Parallel.threads());
    }

    private static ListRandomAccessVectorValues rows(float[] x, int off, int rows, int d) {
        List<VectorFloat<?>> list = new ArrayList<>(rows);
        for (int i = 0; i < rows; i++) list.add(VTS.createFloatVector(Arrays.copyOfRange(x, off + i * d, off + (i + 1) * d)));
        return new ListRandomAccessVectorValues(list, d);
    }

    static JvectorPqCompressor fit(int subspaces, Tensor train) {
        Compressors.requireRows(train, train.dim(1), "fit");
        ForkJoinPool pool = pool();
        try {
            // jvector centres globally for Euclidean data (as its own examples do) and trains unweighted k-means
            ProductQuantization pq = ProductQuantization.compute(rows(train.data(), 0, train.dim(0), train.dim(1)), subspaces,
                    256, true, KMeansPlusPlusClusterer.UNWEIGHTED, pool, pool);
            return new JvectorPqCompressor(pq);
        } finally {
            pool.shutdown();
        }
    }

    static JvectorPqCompressor load(StageState state) {
        float[] bytes = state.tensor("serialized").data();
        ByteBuffer bb = ByteBuffer.allocate(bytes.length);
        for (float b : bytes) {
            if (!(b >= 0 && b <= 255 && b == Math.rint(b))) throw new IllegalArgumentException("stage " + state.token() + ": 'serialized' holds a non-byte " + b);
            bb.put((byte) b);
        }
        bb.flip();
        try {
            return new JvectorPqCompressor(ProductQuantization.load(new ByteBufferReader(bb)));
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("stage " + state.token() + ": jvector cannot read its product quantizer (" + e.getMessage() + ")", e);
        }
    }

    @Override
    public String token() {
        return "JVPQ" + pq.getSubspaceCount();
    }

    @Override
    public int dimension() {
        return dimension;
    }

    /** jvector's own serialization of the quantizer, one byte per float (whole numbers 0..255, as the codes file stores integers). */
    @Override
    public StageState state() {
        ByteBufferIndexWriter w = ByteBufferIndexWriter.create(pq.compressorSize() + 64, false);
        try {
            pq.write(w, OnDiskGraphIndex.CURRENT_VERSION);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ByteBuffer data = w.getWrittenData();
        float[] bytes = new float[data.remaining()];
        for (int i = 0; i < bytes.length; i++) bytes[i] = Byte.toUnsignedInt(data.get());
        return new StageState("JVPQ", token(), "{}", Map.of("serialized", Tensor.wrap(bytes, bytes.length)));
    }

    @Override
    public int codeSize() {
        return pq.getSubspaceCount();
    }

    @Override
    public void encode(float[] x, int xOff, int rows, byte[] codes, int codesOff) {
        ForkJoinPool pool = pool();
        PQVectors encoded;
        try {
            encoded = pq.encodeAll(rows(x, xOff, rows, dimension), pool);
        } finally {
            pool.shutdown();
        }
        int m = codeSize();
        for (int i = 0; i < rows; i++) {
            ByteSequence<?> code = encoded.get(i);
            for (int j = 0; j < m; j++) codes[codesOff + i * m + j] = code.get(j);
        }
    }

    @Override
    public void decode(byte[] codes, int codesOff, int rows, float[] out, int outOff) {
        int m = codeSize();
        VectorFloat<?> v = VTS.createFloatVector(dimension);
        for (int i = 0; i < rows; i++) {
            pq.decode(VTS.createByteSequence(Arrays.copyOfRange(codes, codesOff + i * m, codesOff + (i + 1) * m)), v);
            for (int j = 0; j < dimension; j++) out[outOff + i * dimension + j] = v.get(j);
        }
    }

    /** The codes as jvector's compressed vectors, one chunk over the array as it is. */
    private PQVectors vectors(byte[] codes, int count) {
        ByteSequence<?> chunk = VTS.createByteSequence(count == codes.length / codeSize() ? codes : Arrays.copyOf(codes, count * codeSize()));
        return new ImmutablePQVectors(pq, new ByteSequence<?>[] {chunk}, count, Math.max(1, count));
    }

    private VectorSimilarityFunction similarity(Metric metric) {
        if (metric != Metric.L2) throw new IllegalArgumentException(token() + " is fitted centred, for L2 search only, not " + metric.label());
        return VectorSimilarityFunction.EUCLIDEAN;
    }

    private static float score(float similarity) {
        return 1 / similarity - 1;
    }

    @Override
    public CodeDistance distance(Metric metric) {
        VectorSimilarityFunction sim = similarity(metric);
        return new CodeDistance() {
            private float[] query;
            private byte[] lastCodes;
            private PQVectors vectors;

            @Override
            public void setQuery(float[] q, int off) {
                query = Arrays.copyOfRange(q, off, off + dimension);
            }

            @Override
            public void scores(byte[] codes, int from, int to, float[] out, int outOff) {
                if (codes != lastCodes) {
                    lastCodes = codes;
                    vectors = vectors(codes, codes.length / codeSize());
                }
                ScoreFunction.ApproximateScoreFunction f = vectors.precomputedScoreFunctionFor(VTS.createFloatVector(query), sim);
                for (int i = from; i < to; i++) out[outOff + i - from] = score(f.similarityTo(i));
            }
        };
    }

    @Override
    public CodeIndex index(byte[] codes, int count, Metric metric) {
        if ((long) count * codeSize() > codes.length) throw new IllegalArgumentException(count + " codes need " + (long) count * codeSize() + " bytes, got " + codes.length);
        VectorSimilarityFunction sim = similarity(metric);
        PQVectors vectors = vectors(codes, count);
        return new CodeIndex() {
            @Override
            public int size() {
                return count;
            }

            @Override
            public Metric metric() {
                return metric;
            }

            @Override
            public Neighbours search(Tensor queries, int k) {
                Compressors.requireRows(queries, dimension, "search");
                if (k < 1) throw new IllegalArgumentException("k must be at least 1, got " + k);
                int nq = queries.dim(0);
                float[] q = queries.data();
                int[] ids = new int[Math.multiplyExact(nq, k)];
                float[] scores = new float[ids.length];
                Parallel.range(nq, 16, (lo, hi) -> {
                    ScanIndex.ScoreHeap top = new ScanIndex.ScoreHeap(k);
                    for (int i = lo; i < hi; i++) {
                        VectorFloat<?> v = VTS.createFloatVector(Arrays.copyOfRange(q, i * dimension, (i + 1) * dimension));
                        ScoreFunction.ApproximateScoreFunction f = vectors.precomputedScoreFunctionFor(v, sim);
                        // ranked by jvector's similarity (larger is nearer), turned into a score after the scan
                        for (int c = 0; c < count; c++) top.offer(-f.similarityTo(c), c);
                        top.drainSorted(ids, scores, i * k);
                        for (int j = i * k; j < (i + 1) * k; j++) if (ids[j] >= 0) scores[j] = score(-scores[j]);
                    }
                });
                return new Neighbours(nq, k, ids, scores);
            }
        };
    }
}
