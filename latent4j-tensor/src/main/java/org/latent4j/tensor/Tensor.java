package org.latent4j.tensor;

import java.util.Arrays;
import org.latent4j.tensor.ops.ActivationOps;
import org.latent4j.tensor.ops.ElementwiseOps;
import org.latent4j.tensor.ops.IndexOps;
import org.latent4j.tensor.ops.LinearAlgebra;
import org.latent4j.tensor.ops.LossOps;
import org.latent4j.tensor.ops.ReductionOps;
import org.latent4j.tensor.ops.ShapeOps;

/**
 * A dense float32 tensor of any rank, row-major, with reverse-mode autodiff.
 *
 * <p>Storage is a {@code float[]} with an offset and strides, so {@link #reshape} of a contiguous tensor and
 * {@link #transpose} are views that copy nothing. Ops live in the classes of {@code org.latent4j.tensor.ops}
 * grouped by family; the instance methods here are shorthands for them. Every op records its backward
 * when gradient mode is on and an input {@link #requiresGrad()}; {@link #backward()} from a scalar fills
 * {@link #grad()} of the leaves.
 *
 * <p>Tensors made while a {@link Workspace} scope is open take pooled buffers and are unusable after it
 * closes. Parameters, their gradients and optimizer state are made outside any scope.
 */
public final class Tensor {
    private float[] data;
    private final int offset;
    private final int[] shape;
    private final int[] strides;
    private final int size;
    private final boolean contiguous;
    /** Whether this tensor owns a pooled buffer that goes back to its workspace on release. */
    private final boolean ownsPooledBuffer;

    boolean requiresGrad;
    Tensor grad;
    /** The contents of {@link #grad} stand for zeros (set by {@link #zeroGrad}). */
    boolean gradStale;
    Node node;

    private Tensor(float[] data, int offset, int[] shape, int[] strides, boolean ownsPooledBuffer) {
        this.data = data;
        this.offset = offset;
        this.shape = shape;
        this.strides = strides;
        this.size = Shape.size(shape);
        this.contiguous = Arrays.equals(strides, Shape.stridesOf(shape)) || size <= 1;
        this.ownsPooledBuffer = ownsPooledBuffer;
    }

    // ------------------------------------------------------------------ creation

    /**
     * A tensor whose contents the caller will overwrite; pooled when a workspace scope is open.
     *
     * @param shape the dimensions
     * @return an uninitialised tensor
     */
    public static Tensor empty(int... shape) {
        return allocate(shape.clone(), false);
    }

    /**
     * {@return a tensor of zeros}
     *
     * @param shape the dimensions
     */
    public static Tensor zeros(int... shape) {
        return allocate(shape.clone(), true);
    }

    /**
     * {@return a tensor of ones}
     *
     * @param shape the dimensions
     */
    public static Tensor ones(int... shape) {
        return full(1f, shape);
    }

    /**
     * {@return a tensor with every element {@code value}}
     *
     * @param value the value
     * @param shape the dimensions
     */
    public static Tensor full(float value, int... shape) {
        Tensor t = allocate(shape.clone(), false);
        Arrays.fill(t.data, value);
        return t;
    }

    /**
     * {@return a tensor of shape [] holding {@code value}}
     *
     * @param value the value
     */
    public static Tensor scalar(float value) {
        return full(value, Shape.SCALAR);
    }

    /**
     * A tensor holding a copy of {@code values}, whose length must equal the shape's size.
     *
     * @param values the elements in row-major order
     * @param shape the dimensions
     * @return the tensor
     */
    public static Tensor of(float[] values, int... shape) {
        int n = Shape.size(shape);
        if (values.length != n) {
            throw new ShapeException("of: " + values.length + " values do not fill shape " + Shape.str(shape));
        }
        Tensor t = allocate(shape.clone(), false);
        System.arraycopy(values, 0, t.data, 0, n);
        return t;
    }

    /**
     * A [rows, columns] tensor holding a copy of {@code rows}, the form a Java caller's data usually has.
     *
     * @param rows at least one row, every row of the same length
     * @return a new tensor, row i holding {@code rows[i]}
     * @throws ShapeException if there are no rows or their lengths differ
     */
    public static Tensor ofRows(float[][] rows) {
        if (rows.length == 0) throw new ShapeException("ofRows: no rows (the number of columns is unknown)");
        int columns = rows[0].length;
        for (int i = 1; i < rows.length; i++) {
            if (rows[i].length != columns) {
                throw new ShapeException("ofRows: row " + i + " has " + rows[i].length + " values, row 0 has " + columns);
            }
        }
        Tensor t = allocate(new int[] {rows.length, columns}, false);
        for (int i = 0; i < rows.length; i++) System.arraycopy(rows[i], 0, t.data, i * columns, columns);
        return t;
    }

    /**
     * A 1-D tensor holding a copy of {@code values}.
     *
     * @param values the elements
     * @return the tensor, [values.length]
     */
    public static Tensor vector(float... values) {
        return of(values, values.length);
    }

    /**
     * A tensor that uses {@code data} itself as storage (no copy); never pooled.
     *
     * @param data the storage, in row-major order
     * @param shape the dimensions, whose product is data.length
     * @return the tensor
     */
    public static Tensor wrap(float[] data, int... shape) {
        int n = Shape.size(shape);
        if (data.length != n) throw new ShapeException("wrap: " + data.length + " values do not fill shape " + Shape.str(shape));
        int[] s = shape.clone();
        return new Tensor(data, 0, s, Shape.stridesOf(s), false);
    }

    /**
     * Zeros that are never taken from a workspace: parameters, gradients of leaves, optimizer state.
     *
     * @param shape the dimensions
     * @return a tensor of zeros
     */
    public static Tensor persistentZeros(int... shape) {
        int[] s = shape.clone();
        return new Tensor(new float[Shape.size(s)], 0, s, Shape.stridesOf(s), false);
    }

    private static Tensor allocate(int[] shape, boolean zero) {
        int n = Shape.size(shape);
        Workspace.Scope scope = Workspace.current();
        if (scope == null) return new Tensor(new float[n], 0, shape, Shape.stridesOf(shape), false);
        Tensor t = new Tensor(scope.allocate(n, zero), 0, shape, Shape.stridesOf(shape), true);
        scope.track(t);
        return t;
    }

    /** A view sharing this tensor's storage. */
    private Tensor view(int newOffset, int[] newShape, int[] newStrides) {
        Tensor v = new Tensor(data(), newOffset, newShape, newStrides, false);
        Workspace.Scope scope = Workspace.current();
        if (scope != null) scope.track(v);
        return v;
    }

    /** Called by a closing workspace scope: returns the buffer this tensor owns, and makes it unusable. */
    float[] release() {
        float[] d = data;
        data = null;
        grad = null;
        node = null;
        return ownsPooledBuffer ? d : null;
    }

    // ------------------------------------------------------------------ metadata and element access

    /**
     * The backing array (shared with views); element {@code i} of a contiguous tensor is at offset()+i.
     *
     * @return the backing array
     */
    public float[] data() {
        float[] d = data;
        if (d == null) throw new IllegalStateException("tensor of shape " + Shape.str(shape) + " was used after its workspace scope closed");
        return d;
    }

    /** {@return the index in {@link #data()} of the first element} */
    public int offset() {
        return offset;
    }

    /**
     * A copy of the dimensions.
     *
     * @return the dimensions
     */
    public int[] shape() {
        return shape.clone();
    }

    /**
     * Dimension {@code axis}; negative counts from the end.
     *
     * @param axis the axis, negative counting from the end
     * @return its length
     */
    public int dim(int axis) {
        return shape[Shape.axis("dim", axis, shape.length)];
    }

    /** {@return the number of dimensions} */
    public int rank() {
        return shape.length;
    }

    /** {@return the number of elements} */
    public int size() {
        return size;
    }

    /**
     * {@return the step in {@link #data()} between neighbours along {@code axis}}
     *
     * @param axis the axis, negative counting from the end
     */
    public int stride(int axis) {
        return strides[Shape.axis("stride", axis, shape.length)];
    }

    /** {@return whether the elements lie in row-major order without gaps} */
    public boolean isContiguous() {
        return contiguous;
    }

    /** {@return whether this tensor has shape []} */
    public boolean isScalar() {
        return size == 1;
    }

    /**
     * The only element of a one-element tensor.
     *
     * @return the element
     */
    public float item() {
        if (size != 1) throw new ShapeException("item: tensor of shape " + Shape.str(shape) + " has " + size + " elements, not 1");
        return data()[offset];
    }

    /**
     * {@return one element}
     *
     * @param index one index per dimension
     */
    public float get(int... index) {
        return data()[flatIndex(index)];
    }

    /**
     * Writes one element in place (not recorded by autodiff).
     *
     * @param value the new value
     * @param index one index per dimension
     */
    public void set(float value, int... index) {
        data()[flatIndex(index)] = value;
    }

    private int flatIndex(int[] index) {
        if (index.length != shape.length) {
            throw new ShapeException("index " + Arrays.toString(index) + " does not fit shape " + Shape.str(shape));
        }
        int p = offset;
        for (int i = 0; i < index.length; i++) {
            if (index[i] < 0 || index[i] >= shape[i]) {
                throw new IndexOutOfBoundsException("index " + Arrays.toString(index) + " is out of bounds for shape " + Shape.str(shape));
            }
            p += index[i] * strides[i];
        }
        return p;
    }

    /**
     * The elements in row-major order, as a new array.
     *
     * @return the elements
     */
    public float[] toArray() {
        float[] out = new float[size];
        Strided.copy(this, out, 0);
        return out;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Tensor").append(Shape.str(shape));
        if (data == null) return sb.append("(released)").toString();
        float[] v = toArray();
        sb.append(' ');
        int show = Math.min(v.length, 16);
        sb.append('[');
        for (int i = 0; i < show; i++) sb.append(i == 0 ? "" : ", ").append(v[i]);
        if (show < v.length) sb.append(", ...");
        sb.append(']');
        if (node != null) sb.append(" <").append(node.op).append('>');
        return sb.toString();
    }

    // ------------------------------------------------------------------ autodiff

    /**
     * Marks a leaf as needing a gradient; returns this.
     *
     * @param on whether the leaf needs a gradient
     * @return this tensor
     */
    public Tensor requiresGrad(boolean on) {
        if (node != null) throw new IllegalStateException("requiresGrad can only be set on a leaf tensor, not on the output of " + node.op);
        requiresGrad = on;
        return this;
    }

    /** {@return whether a gradient is computed for this tensor} */
    public boolean requiresGrad() {
        return requiresGrad;
    }

    /**
     * A tensor made by the user rather than by a recorded op.
     *
     * @return true for a leaf
     */
    public boolean isLeaf() {
        return node == null;
    }

    /**
     * Name of the op that produced this tensor, or null for a leaf.
     *
     * @return the op's name, or null
     */
    public String op() {
        return node == null ? null : node.op;
    }

    /**
     * The accumulated gradient of a leaf after {@link #backward()}, or null.
     *
     * @return the gradient, or null
     */
    public Tensor grad() {
        if (gradStale) {
            grad.fill(0f);
            gradStale = false;
        }
        return grad;
    }

    /**
     * Sets the gradient to zero, keeping its buffer. The buffer is only marked: the next backward pass
     * writes its first contribution over it instead of adding to zeros (for a million weights, one pass
     * over memory instead of three), and {@link #grad()} zero-fills it if it is read before that.
     */
    public void zeroGrad() {
        if (grad != null) gradStale = true;
    }

    /** Drops the gradient buffer. */
    public void clearGrad() {
        grad = null;
        gradStale = false;
    }

    /** Back-propagates from this one-element tensor (d this / d this = 1). */
    public void backward() {
        if (size != 1) {
            throw new ShapeException("backward: needs a one-element tensor, got shape " + Shape.str(shape) + "; pass a gradient instead");
        }
        backward(Tensor.full(1f, shape));
    }

    /**
     * Back-propagates {@code gradient} (same shape as this) through the recorded graph.
     *
     * @param gradient the gradient of the loss with respect to this tensor
     */
    public void backward(Tensor gradient) {
        if (!Arrays.equals(gradient.shape, shape)) {
            throw new ShapeException("backward: gradient shape " + Shape.str(gradient.shape) + " differs from tensor shape " + Shape.str(shape));
        }
        if (!requiresGrad) throw new IllegalStateException("backward: this tensor does not require a gradient (no input needs one, or grad mode was off)");
        if (node == null) {
            Autograd.accumulate(this, gradient);
            return;
        }
        Autograd.backward(this, gradient);
    }

    /**
     * The same values with no gradient flowing back (stop-gradient); shares storage.
     *
     * @return a tensor sharing this one's storage
     */
    public Tensor detach() {
        return view(offset, shape, strides);
    }

    // ------------------------------------------------------------------ in-place helpers (not recorded)

    /**
     * Sets every element to {@code value} in place (not recorded by autodiff).
     *
     * @param value the value
     * @return this tensor
     */
    public Tensor fill(float value) {
        if (contiguous) {
            Arrays.fill(data(), offset, offset + size, value);
        } else {
            Strided.fill(this, value);
        }
        return this;
    }

    /**
     * this += other (other broadcast-free, same shape); not recorded by autodiff.
     *
     * @param other a tensor of the same shape
     * @return this tensor
     */
    public Tensor addInPlace(Tensor other) {
        if (!Arrays.equals(other.shape, shape)) {
            throw new ShapeException("addInPlace: shapes " + Shape.str(shape) + " and " + Shape.str(other.shape) + " differ");
        }
        Tensor o = other.contiguous ? other : other.contiguousCopy();
        if (!contiguous) throw new IllegalStateException("addInPlace: target must be contiguous");
        org.latent4j.tensor.kernel.Kernels.vector().add(data(), offset, o.data(), o.offset, data(), offset, size);
        return this;
    }

    /**
     * Copies other's values into this tensor (same shape); not recorded by autodiff.
     *
     * @param other a tensor of the same shape
     * @return this tensor
     */
    public Tensor copyFrom(Tensor other) {
        if (!Arrays.equals(other.shape, shape)) {
            throw new ShapeException("copyFrom: shapes " + Shape.str(shape) + " and " + Shape.str(other.shape) + " differ");
        }
        if (!contiguous) throw new IllegalStateException("copyFrom: target must be contiguous");
        Strided.copy(other, data(), offset);
        return this;
    }

    // ------------------------------------------------------------------ views

    /**
     * Same storage when contiguous, a recorded copy otherwise.
     *
     * @return a contiguous tensor with the same values
     */
    public Tensor contiguous() {
        if (contiguous) return this;
        Tensor out = contiguousCopy();
        Tensor self = this;
        return Autograd.record("contiguous", out, g -> Autograd.accumulate(self, g), this);
    }

    private Tensor contiguousCopy() {
        Tensor out = Tensor.empty(shape);
        Strided.copy(this, out.data, out.offset);
        return out;
    }

    /**
     * A new shape with the same elements; one dimension may be -1. A view when contiguous.
     *
     * @param newShape the new dimensions, at most one -1
     * @return the reshaped tensor
     */
    public Tensor reshape(int... newShape) {
        int[] s = newShape.clone();
        int infer = -1;
        int known = 1;
        for (int i = 0; i < s.length; i++) {
            if (s[i] == -1) {
                if (infer >= 0) throw new ShapeException("reshape: more than one -1 in " + Arrays.toString(newShape));
                infer = i;
            } else {
                if (s[i] < 0) throw new ShapeException("reshape: negative dimension in " + Arrays.toString(newShape));
                known *= s[i];
            }
        }
        if (infer >= 0) {
            if (known == 0 || size % known != 0) {
                throw new ShapeException("reshape: cannot reshape " + Shape.str(shape) + " to " + Arrays.toString(newShape));
            }
            s[infer] = size / known;
        }
        if (Shape.size(s) != size) throw new ShapeException("reshape: cannot reshape " + Shape.str(shape) + " to " + Arrays.toString(newShape));
        Tensor src = contiguous();
        Tensor out = src.view(src.offset, s, Shape.stridesOf(s));
        int[] original = shape;
        return Autograd.record("reshape", out, g -> Autograd.accumulate(src, g.reshape(original)), src);
    }

    /**
     * Flattens all dimensions after the first: [n, ...] to [n, rest].
     *
     * @return the tensor, [n, rest]
     */
    public Tensor flatten() {
        return rank() <= 1 ? reshape(size) : reshape(shape[0], size / Math.max(1, shape[0]));
    }

    /**
     * Swaps two axes; a view.
     *
     * @param axisA the first axis
     * @param axisB the second axis
     * @return the view
     */
    public Tensor transpose(int axisA, int axisB) {
        int a = Shape.axis("transpose", axisA, shape.length);
        int b = Shape.axis("transpose", axisB, shape.length);
        int[] s = shape.clone();
        int[] st = strides.clone();
        s[a] = shape[b];
        s[b] = shape[a];
        st[a] = strides[b];
        st[b] = strides[a];
        Tensor out = view(offset, s, st);
        Tensor self = this;
        return Autograd.record("transpose", out, g -> Autograd.accumulate(self, g.transpose(a, b)), this);
    }

    /**
     * Transpose of a matrix; a view.
     *
     * @return the view
     */
    public Tensor t() {
        if (rank() != 2) throw new ShapeException("t: needs a 2-D tensor, got shape " + Shape.str(shape));
        return transpose(0, 1);
    }

    /**
     * A broadcast view of this tensor at {@code target} shape (NumPy rules; broadcast dimensions get
     * stride 0, so nothing is copied). Its gradient sums back over the broadcast dimensions.
     *
     * @param target the shape to broadcast to
     * @return the view
     */
    public Tensor expand(int... target) {
        int[] t = target.clone();
        int[] b = Shape.broadcast("expand", shape, t);
        if (!Arrays.equals(b, t)) {
            throw new ShapeException("expand: shape " + Shape.str(shape) + " cannot be expanded to " + Shape.str(t));
        }
        if (Arrays.equals(shape, t)) return this;
        Tensor out = view(offset, t, Shape.broadcastStrides(shape, strides, t));
        Tensor self = this;
        int[] original = shape;
        return Autograd.record("expand", out, g -> Autograd.accumulate(self, Autograd.sumToShape(g, original)), this);
    }

    /**
     * Inserts a dimension of size 1 at {@code axis}.
     *
     * @param axis where the new dimension goes
     * @return the tensor
     */
    public Tensor unsqueeze(int axis) {
        int a = axis < 0 ? axis + shape.length + 1 : axis;
        if (a < 0 || a > shape.length) throw new ShapeException("unsqueeze: axis " + axis + " is out of range for rank " + shape.length);
        int[] s = new int[shape.length + 1];
        for (int i = 0, j = 0; i < s.length; i++) s[i] = i == a ? 1 : shape[j++];
        return reshape(s);
    }

    // ------------------------------------------------------------------ op shorthands

    /**
     * {@return {@code ElementwiseOps.add(this, o)}}, see {@link ElementwiseOps#add}
     *
     * @param o the other operand, broadcast against this one
     */
    public Tensor add(Tensor o) { return ElementwiseOps.add(this, o); }
    /**
     * {@return {@code ElementwiseOps.sub(this, o)}}, see {@link ElementwiseOps#sub}
     *
     * @param o the other operand, broadcast against this one
     */
    public Tensor sub(Tensor o) { return ElementwiseOps.sub(this, o); }
    /**
     * {@return {@code ElementwiseOps.mul(this, o)}}, see {@link ElementwiseOps#mul}
     *
     * @param o the other operand, broadcast against this one
     */
    public Tensor mul(Tensor o) { return ElementwiseOps.mul(this, o); }
    /**
     * {@return {@code ElementwiseOps.div(this, o)}}, see {@link ElementwiseOps#div}
     *
     * @param o the other operand, broadcast against this one
     */
    public Tensor div(Tensor o) { return ElementwiseOps.div(this, o); }
    /**
     * {@return {@code ElementwiseOps.add(this, s)}}, see {@link ElementwiseOps#add}
     *
     * @param s the scalar
     */
    public Tensor add(float s) { return ElementwiseOps.add(this, s); }
    /**
     * {@return {@code ElementwiseOps.add(this, -s)}}, see {@link ElementwiseOps#add}
     *
     * @param s the scalar
     */
    public Tensor sub(float s) { return ElementwiseOps.add(this, -s); }
    /**
     * {@return {@code ElementwiseOps.mul(this, s)}}, see {@link ElementwiseOps#mul}
     *
     * @param s the scalar
     */
    public Tensor mul(float s) { return ElementwiseOps.mul(this, s); }
    /**
     * {@return {@code ElementwiseOps.mul(this, 1f / s)}}, see {@link ElementwiseOps#mul}
     *
     * @param s the scalar
     */
    public Tensor div(float s) { return ElementwiseOps.mul(this, 1f / s); }
    /**
     * {@return {@code ElementwiseOps.neg(this)}}, see {@link ElementwiseOps#neg}
     */
    public Tensor neg() { return ElementwiseOps.neg(this); }
    /**
     * {@return {@code ElementwiseOps.exp(this)}}, see {@link ElementwiseOps#exp}
     */
    public Tensor exp() { return ElementwiseOps.exp(this); }
    /**
     * {@return {@code ElementwiseOps.log(this)}}, see {@link ElementwiseOps#log}
     */
    public Tensor log() { return ElementwiseOps.log(this); }
    /**
     * {@return {@code ElementwiseOps.log1p(this)}}, see {@link ElementwiseOps#log1p}
     */
    public Tensor log1p() { return ElementwiseOps.log1p(this); }
    /**
     * {@return {@code ElementwiseOps.sqrt(this)}}, see {@link ElementwiseOps#sqrt}
     */
    public Tensor sqrt() { return ElementwiseOps.sqrt(this); }
    /**
     * {@return {@code ElementwiseOps.square(this)}}, see {@link ElementwiseOps#square}
     */
    public Tensor square() { return ElementwiseOps.square(this); }
    /**
     * {@return {@code ElementwiseOps.pow(this, p)}}, see {@link ElementwiseOps#pow}
     *
     * @param p the exponent
     */
    public Tensor pow(float p) { return ElementwiseOps.pow(this, p); }
    /**
     * {@return {@code ElementwiseOps.abs(this)}}, see {@link ElementwiseOps#abs}
     */
    public Tensor abs() { return ElementwiseOps.abs(this); }
    /**
     * {@return {@code ElementwiseOps.clamp(this, min, max)}}, see {@link ElementwiseOps#clamp}
     *
     * @param min the lower bound
     * @param max the upper bound
     */
    public Tensor clamp(float min, float max) { return ElementwiseOps.clamp(this, min, max); }

    /**
     * {@return {@code ActivationOps.tanh(this)}}, see {@link ActivationOps#tanh}
     */
    public Tensor tanh() { return ActivationOps.tanh(this); }
    /**
     * {@return {@code ActivationOps.sigmoid(this)}}, see {@link ActivationOps#sigmoid}
     */
    public Tensor sigmoid() { return ActivationOps.sigmoid(this); }
    /**
     * {@return {@code ActivationOps.relu(this)}}, see {@link ActivationOps#relu}
     */
    public Tensor relu() { return ActivationOps.relu(this); }
    /**
     * {@return {@code ActivationOps.leakyRelu(this, slope)}}, see {@link ActivationOps#leakyRelu}
     *
     * @param slope the slope for negative inputs
     */
    public Tensor leakyRelu(float slope) { return ActivationOps.leakyRelu(this, slope); }
    /**
     * {@return {@code ActivationOps.elu(this, alpha)}}, see {@link ActivationOps#elu}
     *
     * @param alpha the scale of the negative part
     */
    public Tensor elu(float alpha) { return ActivationOps.elu(this, alpha); }
    /**
     * {@return {@code ActivationOps.selu(this)}}, see {@link ActivationOps#selu}
     */
    public Tensor selu() { return ActivationOps.selu(this); }
    /**
     * {@return {@code ActivationOps.gelu(this)}}, see {@link ActivationOps#gelu}
     */
    public Tensor gelu() { return ActivationOps.gelu(this); }
    /**
     * {@return {@code ActivationOps.softplus(this)}}, see {@link ActivationOps#softplus}
     */
    public Tensor softplus() { return ActivationOps.softplus(this); }

    /**
     * {@return {@code ReductionOps.sum(this)}}, see {@link ReductionOps#sum}
     */
    public Tensor sum() { return ReductionOps.sum(this); }
    /**
     * {@return {@code ReductionOps.sum(this, axis, keepDim)}}, see {@link ReductionOps#sum}
     *
     * @param axis    the axis to reduce
     * @param keepDim whether the reduced axis stays, with size 1
     */
    public Tensor sum(int axis, boolean keepDim) { return ReductionOps.sum(this, axis, keepDim); }
    /**
     * {@return {@code ReductionOps.mean(this)}}, see {@link ReductionOps#mean}
     */
    public Tensor mean() { return ReductionOps.mean(this); }
    /**
     * {@return {@code ReductionOps.mean(this, axis, keepDim)}}, see {@link ReductionOps#mean}
     *
     * @param axis    the axis to reduce
     * @param keepDim whether the reduced axis stays, with size 1
     */
    public Tensor mean(int axis, boolean keepDim) { return ReductionOps.mean(this, axis, keepDim); }
    /**
     * {@return {@code ReductionOps.max(this, axis, keepDim)}}, see {@link ReductionOps#max}
     *
     * @param axis    the axis to reduce
     * @param keepDim whether the reduced axis stays, with size 1
     */
    public Tensor max(int axis, boolean keepDim) { return ReductionOps.max(this, axis, keepDim); }
    /**
     * {@return {@code ReductionOps.logSumExp(this, axis, keepDim)}}, see {@link ReductionOps#logSumExp}
     *
     * @param axis    the axis to reduce
     * @param keepDim whether the reduced axis stays, with size 1
     */
    public Tensor logSumExp(int axis, boolean keepDim) { return ReductionOps.logSumExp(this, axis, keepDim); }
    /**
     * {@return {@code ReductionOps.softmax(this, axis)}}, see {@link ReductionOps#softmax}
     *
     * @param axis the axis normalised over
     */
    public Tensor softmax(int axis) { return ReductionOps.softmax(this, axis); }
    /**
     * {@return {@code ReductionOps.logSoftmax(this, axis)}}, see {@link ReductionOps#logSoftmax}
     *
     * @param axis the axis normalised over
     */
    public Tensor logSoftmax(int axis) { return ReductionOps.logSoftmax(this, axis); }

    /**
     * {@return {@code LinearAlgebra.matmul(this, o)}}, see {@link LinearAlgebra#matmul}
     *
     * @param o the other operand, broadcast against this one
     */
    public Tensor matmul(Tensor o) { return LinearAlgebra.matmul(this, o); }

    /**
     * {@return {@code ShapeOps.slice(this, axis, start, end)}}, see {@link ShapeOps#slice}
     *
     * @param axis  the axis sliced
     * @param start the first index kept
     * @param end   one past the last index kept
     */
    public Tensor slice(int axis, int start, int end) { return ShapeOps.slice(this, axis, start, end); }
    /**
     * {@return {@code IndexOps.indexSelect(this, axis, index)}}, see {@link IndexOps#indexSelect}
     *
     * @param axis  the axis indexed
     * @param index the indices to gather along the axis
     */
    public Tensor indexSelect(int axis, int[] index) { return IndexOps.indexSelect(this, axis, index); }

    // Fused losses are reached through LossOps; the shorthand keeps call sites short in models.
    /**
     * {@return {@code LossOps.bceWithLogits(this, targets)}}, see {@link LossOps#bceWithLogits}
     *
     * @param targets the targets in [0, 1], of this tensor's shape
     */
    public Tensor bceWithLogits(Tensor targets) { return LossOps.bceWithLogits(this, targets); }
}
