package org.latent4j.tensor.optim;

import java.util.ArrayList;
import java.util.List;

/**
 * The learning rate as a function of the 0-based epoch and the 0-based global step (optimizer updates
 * since the start of training). Epoch-based schedules ignore the step and step-based ones the epoch.
 *
 * <pre>{@code
 * LearningRateSchedule schedule = LearningRateSchedule.iwae();
 * for (int epoch = 0; epoch < schedule.totalEpochs(); epoch++) {
 *     for (batch ...) { schedule.apply(optimizer, epoch, step++); ... optimizer.step(); }
 * }
 * }</pre>
 */
@FunctionalInterface
public interface LearningRateSchedule {

    /**
     * {@return the learning rate of this epoch and step}
     *
     * @param epoch the epoch, from 0
     * @param step the optimizer steps taken so far, from 0
     */
    double rate(int epoch, long step);

    /**
     * Sets the optimizer's learning rate for this epoch and step.
     *
     * @param optimizer the optimizer
     * @param epoch the epoch, from 0
     * @param step the optimizer steps taken so far, from 0
     */
    default void apply(Optimizer optimizer, int epoch, long step) {
        optimizer.setLearningRate(rate(epoch, step));
    }

    /**
     * {@return the same rate throughout}
     *
     * @param rate the rate
     */
    static Constant constant(double rate) {
        return new Constant(rate);
    }

    /**
     * {@code initial * gamma^floor(epoch / everyEpochs)} (PyTorch's StepLR).
     *
     * @param initial the rate of the first epochs
     * @param everyEpochs how many epochs between decays
     * @param gamma the factor of each decay
     * @return the schedule
     */
    static StepDecay step(double initial, int everyEpochs, double gamma) {
        return new StepDecay(initial, everyEpochs, gamma);
    }

    /**
     * {@code initial * gamma^k}, k the number of milestones at or before the epoch (PyTorch's MultiStepLR).
     *
     * @param initial the rate before the first milestone
     * @param gamma the factor at each milestone
     * @param milestones the epochs at which the rate decays
     * @return the schedule
     */
    static MultiStep multiStep(double initial, double gamma, int... milestones) {
        List<Integer> m = new ArrayList<>(milestones.length);
        for (int e : milestones) m.add(e);
        return new MultiStep(initial, m, gamma);
    }

    /**
     * {@code initial * gamma^epoch}.
     *
     * @param initial the rate of epoch 0
     * @param gamma the factor per epoch
     * @return the schedule
     */
    static Exponential exponential(double initial, double gamma) {
        return new Exponential(initial, gamma);
    }

    /**
     * Linear warm-up to {@code peak}, then a cosine down to {@code floor}; see {@link WarmupCosine}.
     *
     * @param peak the rate at the end of the warm-up
     * @param floor the rate at the end
     * @param warmupSteps the steps of linear warm-up
     * @param totalSteps the steps until the floor is reached
     * @return the schedule
     */
    static WarmupCosine warmupCosine(double peak, double floor, long warmupSteps, long totalSteps) {
        return new WarmupCosine(peak, floor, warmupSteps, totalSteps);
    }

    /**
     * {@code epochs[i]} epochs at {@code rates[i]}, in order.
     *
     * @param epochs the length of each stage
     * @param rates the rate of each stage
     * @return the schedule
     */
    static Staged staged(int[] epochs, double[] rates) {
        if (epochs.length != rates.length) {
            throw new IllegalArgumentException("staged: " + epochs.length + " stage lengths but " + rates.length + " rates");
        }
        List<Stage> stages = new ArrayList<>(epochs.length);
        for (int i = 0; i < epochs.length; i++) stages.add(new Stage(epochs[i], rates[i]));
        return new Staged(stages);
    }

    /**
     * The schedule of Burda, Grosse and Salakhutdinov (2016), "Importance weighted autoencoders", Section 5:
     * for i = 0..7, 3^i passes over the data at learning rate 0.001 * 10^(-i/7); 3280 passes in all. The
     * paper uses it with Adam at beta1 = 0.9, beta2 = 0.999, eps = 1e-4 and minibatches of 20.
     *
     * @return the schedule
     */
    static Staged iwae() {
        List<Stage> stages = new ArrayList<>(8);
        for (int i = 0, passes = 1; i <= 7; i++, passes *= 3) stages.add(new Stage(passes, 1e-3 * Math.pow(10, -i / 7.0)));
        return new Staged(stages);
    }

    private static void checkEpoch(int epoch) {
        if (epoch < 0) throw new IllegalArgumentException("learning rate schedule: epoch must be >= 0, got " + epoch);
    }

    /**
     * The same rate at every epoch.
     *
     * @param rate the rate
     */
    record Constant(double rate) implements LearningRateSchedule {
        /** Checks that the rate is not negative. */
        public Constant {
            OptionChecks.nonNegative("Constant", "rate", rate);
        }

        @Override
        public double rate(int epoch, long step) {
            return rate;
        }
    }

    /**
     * {@code initial * gamma^floor(epoch / everyEpochs)}.
     *
     * @param initial the rate of the first epochs
     * @param everyEpochs how many epochs between decays
     * @param gamma the factor of each decay
     */
    record StepDecay(double initial, int everyEpochs, double gamma) implements LearningRateSchedule {
        /** Checks each value's range. */
        public StepDecay {
            OptionChecks.nonNegative("StepDecay", "initial", initial);
            OptionChecks.atLeastOne("StepDecay", "everyEpochs", everyEpochs);
            OptionChecks.positive("StepDecay", "gamma", gamma);
        }

        @Override
        public double rate(int epoch, long step) {
            checkEpoch(epoch);
            return initial * Math.pow(gamma, epoch / everyEpochs);
        }
    }

    /**
     * {@code initial * gamma^k}, k the number of milestones at or before the epoch.
     *
     * @param initial the rate before the first milestone
     * @param milestones the epochs at which the rate decays
     * @param gamma the factor at each milestone
     */
    record MultiStep(double initial, List<Integer> milestones, double gamma) implements LearningRateSchedule {
        /** Checks each value's range and copies the milestones. */
        public MultiStep {
            OptionChecks.nonNegative("MultiStep", "initial", initial);
            OptionChecks.positive("MultiStep", "gamma", gamma);
            milestones = List.copyOf(milestones);
            for (int i = 0; i < milestones.size(); i++) {
                int e = milestones.get(i);
                if (e < 0 || (i > 0 && e <= milestones.get(i - 1))) {
                    throw new IllegalArgumentException("MultiStep: milestones must be >= 0 and strictly increasing, got " + milestones);
                }
            }
        }

        @Override
        public double rate(int epoch, long step) {
            checkEpoch(epoch);
            int passed = 0;
            while (passed < milestones.size() && milestones.get(passed) <= epoch) passed++;
            return initial * Math.pow(gamma, passed);
        }
    }

    /**
     * {@code initial * gamma^epoch}.
     *
     * @param initial the rate of epoch 0
     * @param gamma the factor per epoch
     */
    record Exponential(double initial, double gamma) implements LearningRateSchedule {
        /** Checks each value's range. */
        public Exponential {
            OptionChecks.nonNegative("Exponential", "initial", initial);
            OptionChecks.positive("Exponential", "gamma", gamma);
        }

        @Override
        public double rate(int epoch, long step) {
            checkEpoch(epoch);
            return initial * Math.pow(gamma, epoch);
        }
    }

    /**
     * Step-based: {@code peak * (step + 1) / warmupSteps} for the first warmupSteps steps (so the first update
     * is not wasted at rate 0 and the last warm-up step reaches the peak); then
     * {@code floor + (peak - floor) * (1 + cos(pi * (step - warmupSteps) / (totalSteps - warmupSteps))) / 2}
     * until totalSteps; {@code floor} afterwards.
     *
     * @param peak the rate at the end of the warm-up
     * @param floor the rate at the end
     * @param warmupSteps the steps of linear warm-up
     * @param totalSteps the steps until the floor is reached
     */
    record WarmupCosine(double peak, double floor, long warmupSteps, long totalSteps) implements LearningRateSchedule {
        /** Checks each value's range and that the floor is not above the peak. */
        public WarmupCosine {
            OptionChecks.nonNegative("WarmupCosine", "peak", peak);
            OptionChecks.nonNegative("WarmupCosine", "floor", floor);
            if (floor > peak) throw new IllegalArgumentException("WarmupCosine: floor " + floor + " is above peak " + peak);
            if (warmupSteps < 0 || totalSteps <= warmupSteps) {
                throw new IllegalArgumentException("WarmupCosine: needs 0 <= warmupSteps < totalSteps, got warmupSteps=" + warmupSteps
                        + ", totalSteps=" + totalSteps);
            }
        }

        @Override
        public double rate(int epoch, long step) {
            if (step < 0) throw new IllegalArgumentException("WarmupCosine: step must be >= 0, got " + step);
            if (step < warmupSteps) return peak * (step + 1) / warmupSteps;
            if (step >= totalSteps) return floor;
            double progress = (double) (step - warmupSteps) / (totalSteps - warmupSteps);
            return floor + (peak - floor) * 0.5 * (1 + Math.cos(Math.PI * progress));
        }
    }

    /**
     * One stage of a {@link Staged} schedule.
     *
     * @param epochs how many epochs it lasts
     * @param rate its rate
     */
    record Stage(int epochs, double rate) {
        /** Checks each value's range. */
        public Stage {
            OptionChecks.atLeastOne("Stage", "epochs", epochs);
            OptionChecks.nonNegative("Stage", "rate", rate);
        }
    }

    /**
     * Stages run in order; after the last one its rate stays.
     *
     * @param stages the stages, in order
     */
    record Staged(List<Stage> stages) implements LearningRateSchedule {
        /** Copies the stages and refuses an empty list. */
        public Staged {
            stages = List.copyOf(stages);
            if (stages.isEmpty()) throw new IllegalArgumentException("Staged: needs at least one stage");
        }

        /**
         * Epochs in all stages together.
         *
         * @return the sum of the stages' epochs
         */
        public int totalEpochs() {
            int total = 0;
            for (Stage s : stages) total = Math.addExact(total, s.epochs());
            return total;
        }

        @Override
        public double rate(int epoch, long step) {
            checkEpoch(epoch);
            long end = 0;
            for (Stage s : stages) {
                end += s.epochs();
                if (epoch < end) return s.rate();
            }
            return stages.getLast().rate();
        }
    }
}
