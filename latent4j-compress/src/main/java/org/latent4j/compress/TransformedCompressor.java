package org.latent4j.compress;

import java.util.List;

/**
 * Transforms followed by a compressor ({@code OPQ16,PQ16x8}, {@code PCA64,SQ8}): encoding applies the transforms
 * then the compressor; decoding reverses them; a query goes through the transforms before the compressor's own
 * asymmetric distance, so the codes are searched in the transformed space (exact for orthogonal transforms;
 * for a truncating PCA, distances are those of the kept components).
 *
 * @param transforms the transforms, in the order they apply (at least one)
 * @param compressor the compressor of the transformed vectors
 */
public record TransformedCompressor(List<VectorTransform> transforms, Compressor compressor) implements Compressor {
    /** Requires at least one transform (without any, use the compressor itself). */
    public TransformedCompressor {
        transforms = List.copyOf(transforms);
        if (transforms.isEmpty()) throw new IllegalArgumentException("no transforms: use the compressor itself");
    }

    @Override
    public String token() {
        StringBuilder sb = new StringBuilder();
        for (VectorTransform t : transforms) sb.append(t.token()).append(',');
        return sb.append(compressor.token()).toString();
    }

    @Override
    public int dimension() {
        return transforms.getFirst().dimension();
    }

    @Override
    public StageState state() {
        throw new UnsupportedOperationException("a transformed compressor is several stages: use Compressors.states");
    }

    @Override
    public int codeSize() {
        return compressor.codeSize();
    }

    private float[] forward(float[] x, int xOff, int rows) {
        float[] cur = x;
        int off = xOff;
        for (VectorTransform t : transforms) {
            float[] out = new float[Math.multiplyExact(rows, t.outputDimension())];
            t.apply(cur, off, rows, out, 0);
            cur = out;
            off = 0;
        }
        return cur;
    }

    @Override
    public void encode(float[] x, int xOff, int rows, byte[] codes, int codesOff) {
        compressor.encode(forward(x, xOff, rows), 0, rows, codes, codesOff);
    }

    @Override
    public void decode(byte[] codes, int codesOff, int rows, float[] out, int outOff) {
        float[] cur = new float[Math.multiplyExact(rows, compressor.dimension())];
        compressor.decode(codes, codesOff, rows, cur, 0);
        for (int i = transforms.size() - 1; i >= 0; i--) {
            VectorTransform t = transforms.get(i);
            if (i == 0) {
                t.reverse(cur, 0, rows, out, outOff);
            } else {
                float[] back = new float[Math.multiplyExact(rows, t.dimension())];
                t.reverse(cur, 0, rows, back, 0);
                cur = back;
            }
        }
    }

    @Override
    public CodeDistance distance(Metric metric) {
        CodeDistance inner = compressor.distance(metric);
        return new CodeDistance() {
            @Override
            public void setQuery(float[] q, int off) {
                inner.setQuery(forward(q, off, 1), 0);
            }

            @Override
            public void scores(byte[] codes, int from, int to, float[] out, int outOff) {
                inner.scores(codes, from, to, out, outOff);
            }
        };
    }

    @Override
    public CodeIndex index(byte[] codes, int count, Metric metric) {
        CodeIndex inner = compressor.index(codes, count, metric);
        return new CodeIndex() {
            @Override
            public int size() {
                return inner.size();
            }

            @Override
            public Metric metric() {
                return metric;
            }

            @Override
            public Neighbours search(org.latent4j.tensor.Tensor queries, int k) {
                Compressors.requireRows(queries, dimension(), "search");
                float[] q = forward(queries.data(), 0, queries.dim(0));
                return inner.search(org.latent4j.tensor.Tensor.wrap(q, queries.dim(0), compressor.dimension()), k);
            }
        };
    }
}
