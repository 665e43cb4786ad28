package org.latent4j.tensor;

/** One recorded op on the autodiff tape: its name, its inputs and how to push a gradient back to them. */
final class Node {
    final String op;
    final Tensor[] inputs;
    final Backward backward;

    Node(String op, Tensor[] inputs, Backward backward) {
        this.op = op;
        this.inputs = inputs;
        this.backward = backward;
    }
}
