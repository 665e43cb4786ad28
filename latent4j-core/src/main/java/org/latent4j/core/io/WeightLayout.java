package org.latent4j.core.io;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.latent4j.core.nn.Linear;
import org.latent4j.core.nn.Module;
import org.latent4j.tensor.Tensor;

/**
 * How saved tensors are laid out, by format version, and the upgrade of older files on load.
 *
 * <ul>
 *   <li>Version 1 stored a linear layer's weight as [in, out] (the forward product needed no transpose).</li>
 *   <li>Version 2 stores it [out, in], as {@code torch.nn.Linear} does, so that a PyTorch user's
 *       {@code load_state_dict} gets the right matrix instead of its transpose.</li>
 * </ul>
 * Model directories ({@link ModelStore}) and training checkpoints both carry their version, and both are read
 * through here, so an older run loads, evaluates and resumes with today's code.
 */
public final class WeightLayout {
    private WeightLayout() {}

    /** The version this code writes. */
    public static final int CURRENT = 2;

    /**
     * The parameters of {@code model} that a file of {@code version} stores transposed: every linear weight before version 2.
     *
     * @param model the model
     * @param version the file's format version
     * @return the names of the transposed parameters
     */
    public static Set<String> transposed(Module model, int version) {
        Set<String> out = new LinkedHashSet<>();
        if (version >= 2) return out;
        model.namedModules().forEach((name, m) -> {
            if (m instanceof Linear) out.add(name.isEmpty() ? "weight" : name + ".weight");
        });
        return out;
    }

    /**
     * The shapes a file of {@code version} holds for the model's parameters (what to check it against before reading).
     *
     * @param model the model
     * @param tensors the tensors read
     * @param version the file's format version
     * @return the shapes by parameter name
     */
    public static Map<String, int[]> storedShapes(Module model, Map<String, Tensor> tensors, int version) {
        Set<String> flipped = transposed(model, version);
        Map<String, int[]> out = new LinkedHashMap<>();
        tensors.forEach((name, t) -> out.put(name, flipped.contains(name) ? reversed(t.shape()) : t.shape()));
        return out;
    }

    /**
     * Tensors read from a file of {@code version}, named as the model names them, in today's layout.
     *
     * @param model the model
     * @param stored the tensors as stored
     * @param version the file's format version
     * @return the tensors by parameter name
     */
    public static Map<String, Tensor> upgrade(Module model, Map<String, Tensor> stored, int version) {
        Set<String> flipped = transposed(model, version);
        if (flipped.isEmpty()) return stored;
        Map<String, Tensor> out = new LinkedHashMap<>(stored);
        for (String name : flipped) {
            Tensor t = out.get(name);
            if (t != null && t.rank() == 2) out.put(name, t.t().contiguous());
        }
        return out;
    }

    /**
     * An optimizer's state tensors read from a checkpoint of {@code version}, in today's layout. The optimizers
     * name their state by parameter index ("3.exp_avg"), the index being the parameter's place in
     * {@code Module.parameters()}; every 2-D state tensor of a parameter stored transposed is transposed too.
     *
     * @param model the model
     * @param state the optimizer's state as stored
     * @param version the checkpoint's format version
     * @return the state by name
     */
    public static Map<String, Tensor> upgradeOptimizerState(Module model, Map<String, Tensor> state, int version) {
        Set<String> flipped = transposed(model, version);
        if (flipped.isEmpty()) return state;
        List<String> names = List.copyOf(model.namedParameters().keySet());
        Map<String, Tensor> out = new LinkedHashMap<>(state);
        state.forEach((key, t) -> {
            int dot = key.indexOf('.');
            if (dot <= 0 || t.rank() != 2) return;
            int index;
            try {
                index = Integer.parseInt(key.substring(0, dot));
            } catch (NumberFormatException notIndexed) {
                return;
            }
            if (index >= 0 && index < names.size() && flipped.contains(names.get(index))) out.put(key, t.t().contiguous());
        });
        return out;
    }

    private static int[] reversed(int[] shape) {
        return shape.length == 2 ? new int[] {shape[1], shape[0]} : shape;
    }
}
