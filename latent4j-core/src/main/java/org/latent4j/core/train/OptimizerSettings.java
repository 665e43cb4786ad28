package org.latent4j.core.train;

import java.util.List;
import java.util.Locale;
import org.latent4j.tensor.Tensor;
import org.latent4j.tensor.optim.Adam;
import org.latent4j.tensor.optim.AdamOptions;
import org.latent4j.tensor.optim.AdamW;
import org.latent4j.tensor.optim.Optimizer;
import org.latent4j.tensor.optim.Sgd;
import org.latent4j.tensor.optim.SgdOptions;

/**
 * Which optimizer a {@link Trainer} uses, with its settings (the learning rate of every step comes from the
 * schedule, not from here). PyTorch's meanings and defaults: {@link #adam()}, {@link #adamW()}, {@link #sgd}.
 *
 * @param algorithm   ADAM (L2 weight decay added to the gradient), ADAMW (decoupled decay) or SGD
 * @param beta1       Adam's first-moment decay (default 0.9)
 * @param beta2       Adam's second-moment decay (default 0.999)
 * @param eps         Adam's denominator term (default 1e-8; the IWAE paper used 1e-4)
 * @param weightDecay L2 (ADAM, SGD) or decoupled (ADAMW) weight decay; default 0, and 0.01 for {@link #adamW()}
 * @param momentum    SGD's momentum (default 0)
 * @param nesterov    SGD's Nesterov momentum (default false; needs momentum > 0)
 */
public record OptimizerSettings(Algorithm algorithm, double beta1, double beta2, double eps, double weightDecay, double momentum,
                                boolean nesterov) {
    /** The optimizer's update rule. */
    public enum Algorithm {
        /** Adam, with L2 weight decay added to the gradient. */
        ADAM,
        /** Adam with decoupled weight decay (Loshchilov and Hutter 2019). */
        ADAMW,
        /** Stochastic gradient descent, with optional (Nesterov) momentum. */
        SGD;

        /**
         * The command-line word: "adam", "adamw", "sgd".
         *
         * @return the word
         */
        public String word() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Checks the settings the algorithm uses. */
    public OptimizerSettings {
        if (algorithm == null) throw new IllegalArgumentException("OptimizerSettings: the algorithm is required");
        // the option records validate their own ranges
        if (algorithm == Algorithm.SGD) sgdOptions(0, momentum, weightDecay, nesterov);
        else new AdamOptions(0, beta1, beta2, eps, weightDecay);
    }

    /**
     * Adam with PyTorch's defaults.
     *
     * @return the settings
     */
    public static OptimizerSettings adam() {
        return new OptimizerSettings(Algorithm.ADAM, 0.9, 0.999, 1e-8, 0, 0, false);
    }

    /**
     * AdamW with PyTorch's defaults (weight decay 0.01).
     *
     * @return the settings
     */
    public static OptimizerSettings adamW() {
        return new OptimizerSettings(Algorithm.ADAMW, 0.9, 0.999, 1e-8, 0.01, 0, false);
    }

    /**
     * SGD with this momentum (0 for plain gradient descent).
     *
     * @param momentum the momentum
     * @return the settings
     */
    public static OptimizerSettings sgd(double momentum) {
        return new OptimizerSettings(Algorithm.SGD, 0.9, 0.999, 1e-8, 0, momentum, false);
    }

    /**
     * The defaults of {@code algorithm}.
     *
     * @param algorithm the algorithm
     * @return the settings
     */
    public static OptimizerSettings of(Algorithm algorithm) {
        return switch (algorithm) {
            case ADAM -> adam();
            case ADAMW -> adamW();
            case SGD -> sgd(0);
        };
    }

    /**
     * {@return these settings with another epsilon}
     *
     * @param value the epsilon
     */
    public OptimizerSettings withEps(double value) {
        return new OptimizerSettings(algorithm, beta1, beta2, value, weightDecay, momentum, nesterov);
    }

    /**
     * {@return these settings with another weight decay}
     *
     * @param value the weight decay
     */
    public OptimizerSettings withWeightDecay(double value) {
        return new OptimizerSettings(algorithm, beta1, beta2, eps, value, momentum, nesterov);
    }

    /**
     * {@return these settings with another momentum}
     *
     * @param value the momentum
     * @param nesterovMomentum whether to use Nesterov momentum
     */
    public OptimizerSettings withMomentum(double value, boolean nesterovMomentum) {
        return new OptimizerSettings(algorithm, beta1, beta2, eps, weightDecay, value, nesterovMomentum);
    }

    /**
     * The optimizer over {@code parameters}, at learning rate 0 until the schedule sets one.
     *
     * @param parameters the parameters to train
     * @return the optimizer
     */
    public Optimizer create(List<Tensor> parameters) {
        return switch (algorithm) {
            case ADAM -> new Adam(parameters, new AdamOptions(0, beta1, beta2, eps, weightDecay));
            case ADAMW -> new AdamW(parameters, new AdamOptions(0, beta1, beta2, eps, weightDecay));
            case SGD -> new Sgd(parameters, sgdOptions(0, momentum, weightDecay, nesterov));
        };
    }

    private static SgdOptions sgdOptions(double rate, double momentum, double weightDecay, boolean nesterov) {
        return new SgdOptions(rate, momentum, 0, weightDecay, nesterov);
    }
}
