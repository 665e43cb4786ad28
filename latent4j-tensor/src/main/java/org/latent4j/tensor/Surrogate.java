package org.latent4j.tensor;

import java.util.ArrayList;
import java.util.List;

/**
 * Stop-gradients that a finite-difference check can hold still: the way to test a gradient estimator.
 *
 * <p>A straight-through or rotated gradient is the exact gradient of a <em>surrogate</em>: the loss with every
 * stop-gradient value (a code chosen by an argmin, sg[q - z], a rotation built from detached vectors) taken as a
 * constant. Finite differences of the loss itself cannot see that gradient (a chosen code is piecewise constant in
 * the parameters, so they see zero, or a jump), but finite differences of the surrogate can: run the evaluations of
 * a {@link GradCheck} inside {@link #freeze()}, and every stop-gradient made through this class gives, in every
 * later evaluation, the value it had in the first one.
 *
 * <p>Outside a freeze, {@link #stopGradient} is {@link Tensor#detach()} and {@link #choice} returns its argument:
 * one thread-local read each, nothing recorded.
 *
 * <pre>{@code
 * try (Surrogate.Freeze f = Surrogate.freeze()) {
 *     GradCheck.check(in -> { f.evaluation(); return model.loss(batch, progress, new Rng(1)).loss(); }, params);
 * }
 * }</pre>
 */
public final class Surrogate {
    private Surrogate() {}

    private static final ThreadLocal<Freeze> ACTIVE = new ThreadLocal<>();

    /**
     * {@code x.detach()}; inside a {@link #freeze()} the value this call site had in the freeze's first evaluation.
     *
     * @param x the tensor
     * @return x's values without gradient
     */
    public static Tensor stopGradient(Tensor x) {
        Freeze f = ACTIVE.get();
        Tensor d = x.detach();
        return f == null ? d : f.tensor(d);
    }

    /**
     * A discrete choice (codes chosen by an argmin, say); inside a {@link #freeze()}, the first evaluation's choice.
     *
     * @param indices the choice made now
     * @return the choice to use
     */
    public static int[] choice(int[] indices) {
        Freeze f = ACTIVE.get();
        return f == null ? indices : f.ints(indices);
    }

    /**
     * Whether a freeze is active on this thread (code whose choices are not all made through this class may refuse it).
     *
     * @return true inside a freeze
     */
    public static boolean frozen() {
        return ACTIVE.get() != null;
    }

    /**
     * Starts holding stop-gradients still on this thread, until closed; call {@link Freeze#evaluation()} before each evaluation.
     *
     * @return the freeze, to close
     */
    public static Freeze freeze() {
        if (ACTIVE.get() != null) throw new IllegalStateException("Surrogate.freeze: a freeze is already active on this thread");
        Freeze f = new Freeze();
        ACTIVE.set(f);
        return f;
    }

    /**
     * The stop-gradient values of a function's first evaluation, replayed in the same order by the later ones (each
     * evaluation must make the same calls in the same order, which a deterministic function does).
     */
    public static final class Freeze implements AutoCloseable {
        private final List<Object> values = new ArrayList<>();
        private int evaluations;
        private int cursor;

        private Freeze() {}

        /** Marks the start of an evaluation: the first one records, every later one replays from the start. */
        public void evaluation() {
            evaluations++;
            cursor = 0;
        }

        /**
         * Stop-gradient values recorded by the first evaluation.
         *
         * @return the number of values recorded
         */
        public int recorded() {
            return values.size();
        }

        Tensor tensor(Tensor value) {
            if (evaluations <= 1) {
                // kept outside any workspace: a later evaluation may run after the scope that made it closed
                Tensor kept = Tensor.persistentZeros(value.shape()).copyFrom(value);
                values.add(kept);
                return kept;
            }
            Tensor kept = (Tensor) next("a tensor");
            if (!java.util.Arrays.equals(kept.shape(), value.shape())) {
                throw new IllegalStateException("Surrogate: stop-gradient " + (cursor - 1) + " had shape " + Shape.str(kept.shape()) + " in the first evaluation, "
                        + Shape.str(value.shape()) + " now: the evaluations differ");
            }
            return kept;
        }

        int[] ints(int[] value) {
            if (evaluations <= 1) {
                values.add(value.clone());
                return value;
            }
            int[] kept = (int[]) next("a choice");
            if (kept.length != value.length) throw new IllegalStateException("Surrogate: choice " + (cursor - 1) + " changed length: the evaluations differ");
            return kept.clone();
        }

        private Object next(String what) {
            if (cursor >= values.size()) {
                throw new IllegalStateException("Surrogate: this evaluation asks for " + what + " at " + cursor + ", the first made only " + values.size()
                        + " (did the caller mark each evaluation?)");
            }
            Object v = values.get(cursor++);
            if (what.equals("a tensor") != (v instanceof Tensor)) {
                throw new IllegalStateException("Surrogate: stop-gradient " + (cursor - 1) + " was not " + what + " in the first evaluation");
            }
            return v;
        }

        @Override
        public void close() {
            if (ACTIVE.get() == this) ACTIVE.remove();
        }
    }
}
