package org.latent4j.tensor;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;

/**
 * Reuses tensor buffers across training steps so that a steady-state step allocates almost nothing.
 *
 * <pre>{@code
 * Workspace ws = new Workspace();
 * for (...) {
 *     try (var step = ws.open()) {   // tensors created in here take pooled buffers
 *         Tensor loss = model.loss(batch);
 *         loss.backward();            // parameter gradients are persistent, not pooled
 *         optimizer.step();
 *     }                               // every pooled buffer goes back; its tensors become unusable
 * }
 * }</pre>
 *
 * Buffers are pooled by exact length: a training loop repeats the same shapes, so after the first step
 * every request is served from the pool. A length not requested for {@value #IDLE_SCOPES} scopes loses its pooled
 * buffers: a model whose shapes follow the data (an auxiliary loss over however many latents are dead) would
 * otherwise keep a buffer of every length it ever used, and a long run ran out of memory that way. A tensor made
 * inside a scope must not be used after the scope closes (read what you need, e.g. {@link Tensor#item()},
 * before); using one throws {@link IllegalStateException}. Scopes are per thread and nest; a workspace is not
 * shared between threads.
 */
public final class Workspace {
    /** A workspace with an empty pool; buffers are pooled as scopes release them. */
    public Workspace() {}

    private static final ThreadLocal<ArrayDeque<Scope>> OPEN = ThreadLocal.withInitial(ArrayDeque::new);

    /** Scopes after which a length that no scope requested loses its pooled buffers. */
    static final int IDLE_SCOPES = 16;

    /** The free buffers of one length, and the scope that last requested that length. */
    private static final class Pool {
        final ArrayDeque<float[]> buffers = new ArrayDeque<>();
        long lastRequested;
    }

    private final HashMap<Integer, Pool> free = new HashMap<>();
    private long pooledBytes;
    private long freshArrays;
    private long closedScopes;

    /**
     * Opens a scope on this thread; tensors created until it closes take buffers from this workspace.
     *
     * @return the scope, to close
     */
    public Scope open() {
        Scope s = new Scope(this);
        OPEN.get().push(s);
        return s;
    }

    /**
     * Bytes held by this workspace's free lists (for reports).
     *
     * @return the bytes held
     */
    public long pooledBytes() {
        return pooledBytes;
    }

    /** Drops every pooled buffer. */
    public void clear() {
        free.clear();
        pooledBytes = 0;
    }

    float[] take(int n) {
        Pool p = free.computeIfAbsent(n, k -> new Pool());
        p.lastRequested = closedScopes;
        if (!p.buffers.isEmpty()) {
            pooledBytes -= 4L * n;
            return p.buffers.pop();
        }
        freshArrays++;
        return new float[n];
    }

    /**
     * How many buffers this workspace has had to allocate rather than reuse (steady state: no growth).
     *
     * @return the number of fresh allocations
     */
    public long freshAllocations() {
        return freshArrays;
    }

    void give(float[] a) {
        free.computeIfAbsent(a.length, k -> new Pool()).buffers.push(a);
        pooledBytes += 4L * a.length;
    }

    /** Counts a closed scope; every {@link #IDLE_SCOPES} scopes, drops the pools of lengths idle for that long. */
    private void scopeClosed() {
        closedScopes++;
        if (closedScopes % IDLE_SCOPES != 0) return;
        var it = free.entrySet().iterator();
        while (it.hasNext()) {
            var e = it.next();
            if (closedScopes - e.getValue().lastRequested > IDLE_SCOPES) {
                pooledBytes -= 4L * e.getKey() * e.getValue().buffers.size();
                it.remove();
            }
        }
    }

    /** The innermost open scope on this thread, or null. */
    static Scope current() {
        ArrayDeque<Scope> q = OPEN.get();
        return q.isEmpty() ? null : q.peek();
    }

    /** One step's worth of pooled tensors. */
    public static final class Scope implements AutoCloseable {
        private final Workspace owner;
        private final ArrayList<Tensor> tensors = new ArrayList<>(256);
        private boolean closed;

        private Scope(Workspace owner) {
            this.owner = owner;
        }

        float[] allocate(int n, boolean zero) {
            float[] a = owner.take(n);
            if (zero) java.util.Arrays.fill(a, 0f);
            return a;
        }

        /** Registers a tensor (owner or view) to be invalidated, and its buffer returned, at close. */
        void track(Tensor t) {
            tensors.add(t);
        }

        @Override
        public void close() {
            if (closed) return;
            closed = true;
            ArrayDeque<Scope> q = OPEN.get();
            if (q.peek() != this) throw new IllegalStateException("workspace scopes must be closed innermost first");
            q.pop();
            for (int i = 0, n = tensors.size(); i < n; i++) {
                float[] a = tensors.get(i).release();
                if (a != null) owner.give(a);
            }
            tensors.clear();
            owner.scopeClosed();
        }
    }
}
