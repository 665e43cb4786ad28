package org.latent4j.tensor;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.IdentityHashMap;

/**
 * Reverse-mode autodiff on a tape. Every op calls {@link #record} on its freshly computed output; when
 * gradient mode is on and an input requires a gradient, the output gets a {@link Node} holding the op's
 * backward. {@link Tensor#backward()} walks the nodes in reverse topological order.
 */
public final class Autograd {
    private Autograd() {}

    /**
     * Finishes an op: checks the output in check mode, and records the backward if any input needs a
     * gradient. Returns {@code out}.
     *
     * @param op the op's name, for check-mode messages and {@link Tensor#op()}
     * @param out the op's output
     * @param backward computes the inputs' gradients from the output's
     * @param inputs the op's inputs
     * @return {@code out}
     */
    public static Tensor record(String op, Tensor out, Backward backward, Tensor... inputs) {
        if (NumericCheck.isEnabled()) NumericCheck.check(op, "output", out);
        if (!GradMode.isEnabled() || backward == null) return out;
        boolean needs = false;
        for (Tensor t : inputs) needs |= t != null && t.requiresGrad;
        if (needs) {
            out.requiresGrad = true;
            out.node = new Node(op, inputs, backward);
        }
        return out;
    }

    /**
     * True when the input at hand wants a gradient (a cheap guard inside backward functions).
     *
     * @param t an input of the op
     * @return true when t takes part in the gradient
     */
    public static boolean wants(Tensor t) {
        return t != null && t.requiresGrad;
    }

    /**
     * The gradient buffer of the tensor whose backward is running on this thread, which that backward may
     * hand on, once, to an input instead of having it copied: the buffer is dropped right after (see
     * {@link #backward}), so the first input to receive it as its whole gradient may keep it. A bias add
     * or a reshape passes its output's gradient straight on, and in an IWAE step such copies of 1000 x 784
     * gradients were 3% of the time.
     */
    private static final class Handoff {
        Tensor buffer;
        boolean taken;
    }

    private static final ThreadLocal<Handoff> HANDOFF = ThreadLocal.withInitial(Handoff::new);

    /**
     * Adds {@code g} to {@code target.grad}, summing over broadcast dimensions first when {@code g} has the
     * broadcast shape. {@code g} is copied, so backward functions may pass shared tensors; the only tensors
     * adopted without a copy are sums made here and the gradient being handed down (see {@link Handoff}).
     *
     * @param target the tensor receiving the gradient
     * @param g the gradient, of target's shape or of the broadcast shape
     */
    public static void accumulate(Tensor target, Tensor g) {
        if (target == null || !target.requiresGrad) return;
        boolean sameShape = java.util.Arrays.equals(g.shape(), target.shape());
        Tensor reduced = sameShape ? g : sumToShape(g, target.shape());
        if (target.gradStale) {
            target.grad.copyFrom(reduced);
            target.gradStale = false;
            return;
        }
        if (target.grad == null) {
            if (target.isLeaf()) {
                // leaves keep their gradient buffer across steps (zeroGrad refills it)
                target.grad = Tensor.persistentZeros(target.shape()).copyFrom(reduced);
            } else if (reduced != g || takeHandoff(reduced)) {
                target.grad = reduced;
            } else {
                // a pooled copy costs one pass where zero-fill plus add costs two
                target.grad = Tensor.empty(target.shape()).copyFrom(reduced);
            }
            return;
        }
        target.grad.addInPlace(reduced);
    }

    /** True, once per backward step, when {@code g} is the handed-down buffer seen whole and contiguous. */
    private static boolean takeHandoff(Tensor g) {
        Handoff h = HANDOFF.get();
        Tensor b = h.buffer;
        if (b == null || h.taken || !g.isContiguous() || !b.isContiguous() || g.data() != b.data()
                || g.offset() != b.offset() || g.size() != b.size()) {
            return false;
        }
        h.taken = true;
        return true;
    }

    /** Computes a gradient contribution straight into a gradient buffer. */
    @FunctionalInterface
    public interface GradientWriter {
        /**
         * Writes the contribution into {@code destination} (contiguous, the target's shape), adding it to
         * the values there when {@code accumulate}, overwriting them (which may be garbage) otherwise.
         *
         * @param destination where the contribution goes, contiguous, of the target's shape
         * @param accumulate whether to add to the values there rather than overwrite them
         */
        void write(Tensor destination, boolean accumulate);
    }

    /**
     * Like {@link #accumulate} for a contribution of the target's own shape that can be computed in place:
     * a matrix product writes its weight gradient straight into the weight's buffer (beta 0 on the first
     * contribution, 1 after), where going through a temporary cost a second and a third pass over memory.
     *
     * @param target the tensor receiving the gradient
     * @param writer writes the contribution in place
     */
    public static void accumulateInto(Tensor target, GradientWriter writer) {
        if (target == null || !target.requiresGrad) return;
        if (target.grad == null) {
            target.grad = target.isLeaf() ? Tensor.persistentZeros(target.shape()) : Tensor.empty(target.shape());
            writer.write(target.grad, false);
        } else if (target.gradStale) {
            target.gradStale = false;
            writer.write(target.grad, false);
        } else {
            writer.write(target.grad, true);
        }
    }

    /**
     * Sums {@code g} over the dimensions along which {@code shape} was broadcast to g's shape.
     *
     * @param g the gradient in the broadcast shape
     * @param shape the shape that was broadcast
     * @return the gradient summed down to {@code shape}
     */
    public static Tensor sumToShape(Tensor g, int[] shape) {
        int[] gs = g.shape();
        Tensor r = g;
        int lead = gs.length - shape.length;
        if (lead < 0) throw new ShapeException("sumToShape: " + Shape.str(gs) + " cannot reduce to " + Shape.str(shape));
        for (int i = 0; i < lead; i++) r = r.sum(0, false);
        for (int i = 0; i < shape.length; i++) {
            if (shape[i] == 1 && r.shape()[i] != 1) r = r.sum(i, true);
        }
        if (!java.util.Arrays.equals(r.shape(), shape)) {
            throw new ShapeException("sumToShape: " + Shape.str(gs) + " cannot reduce to " + Shape.str(shape));
        }
        return r;
    }

    static void backward(Tensor root, Tensor seed) {
        ArrayList<Tensor> order = topologicalOrder(root);
        root.grad = seed;
        boolean check = NumericCheck.isEnabled();
        Handoff h = HANDOFF.get();
        Tensor outerBuffer = h.buffer;
        boolean outerTaken = h.taken;
        try (var ng = GradMode.disabled()) {
            for (int i = order.size() - 1; i >= 0; i--) {
                Tensor t = order.get(i);
                Node n = t.node;
                if (n == null || t.grad == null) continue;
                // the seed belongs to the caller: never handed on
                h.buffer = t == root ? null : t.grad;
                h.taken = false;
                n.backward.apply(t.grad);
                if (check) {
                    for (Tensor in : n.inputs) {
                        if (in != null && in.grad != null) NumericCheck.check(n.op, "gradient", in.grad());
                    }
                }
                // Intermediate gradients are not kept (as in PyTorch without retain_grad): frees memory early.
                t.grad = null;
            }
        } finally {
            h.buffer = outerBuffer;
            h.taken = outerTaken;
        }
    }

    private static ArrayList<Tensor> topologicalOrder(Tensor root) {
        ArrayList<Tensor> order = new ArrayList<>();
        IdentityHashMap<Tensor, Boolean> seen = new IdentityHashMap<>();
        ArrayDeque<Object[]> stack = new ArrayDeque<>();
        stack.push(new Object[] {root, 0});
        seen.put(root, Boolean.TRUE);
        while (!stack.isEmpty()) {
            Object[] top = stack.peek();
            Tensor t = (Tensor) top[0];
            int next = (Integer) top[1];
            Tensor[] ins = t.node == null ? new Tensor[0] : t.node.inputs;
            if (next < ins.length) {
                top[1] = next + 1;
                Tensor c = ins[next];
                if (c != null && c.requiresGrad && seen.put(c, Boolean.TRUE) == null) stack.push(new Object[] {c, 0});
            } else {
                stack.pop();
                order.add(t);
            }
        }
        return order;
    }
}
