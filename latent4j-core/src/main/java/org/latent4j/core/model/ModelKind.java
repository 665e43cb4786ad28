package org.latent4j.core.model;

import java.util.List;
import java.util.Set;
import org.latent4j.tensor.random.Rng;

/**
 * One kind of model, declared in one place: its name, what it is, its config record (a validated record with
 * documented defaults, saved as JSON beside the weights), the command-line options it takes, what it can do, and
 * how to build a model. Kinds are found through {@link ModelKinds} ({@link java.util.ServiceLoader}): the command
 * line, the model store and the tests iterate them, so a new kind is a class in its own package plus one line in
 * {@code META-INF/services/org.latent4j.core.model.ModelKind}, in this jar or in any other on the class path.
 *
 * @param <C> the config record
 */
public interface ModelKind<C extends Record> {
    /** {@return the name that selects it ({@code --model NAME}) and that saved models record} */
    String name();

    /** {@return one line for help texts} */
    String summary();

    /** {@return the config record's class} A field added later must not break saved configs: give the record a {@code defaults()}. */
    Class<C> configType();

    /** {@return the options {@link #configure} reads, beyond the trainer's; any other model option given is refused} */
    List<ModelOption> options();

    /** {@return what its models can do; {@code ModelKindContractTest} checks each claim} */
    Set<Capability> capabilities();

    /**
     * The config for data of {@code data}'s shape from option values (the command line's), with the documented
     * default for every option not given. Bad values fail with an {@link IllegalArgumentException} naming the option.
     *
     * @param options the option values given
     * @param data    the width (and image shape, if any) of the data
     * @return the validated config
     */
    C configure(OptionValues options, DataShape data);

    /**
     * A new model with weights initialised from {@code rng}.
     *
     * @param config the model's config
     * @param rng    draws the initial weights
     * @return the model
     */
    LatentModel create(C config, Rng rng);

    /**
     * {@link #create} for a config of unchecked type (read from a file, say); a config of another type is refused by name.
     *
     * @param config a config record, which must be of {@link #configType()}
     * @param rng    draws the initial weights
     * @return the model
     */
    default LatentModel createFrom(Record config, Rng rng) {
        if (!configType().isInstance(config)) {
            throw new IllegalArgumentException("model kind '" + name() + "' takes a " + configType().getSimpleName() + ", got "
                    + (config == null ? "null" : config.getClass().getSimpleName()));
        }
        return create(configType().cast(config), rng);
    }
}
