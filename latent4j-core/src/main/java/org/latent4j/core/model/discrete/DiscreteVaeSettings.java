package org.latent4j.core.model.discrete;

import java.util.List;
import org.latent4j.core.distributions.LikelihoodKind;
import org.latent4j.core.estimator.discrete.Temperature;
import org.latent4j.core.estimator.silent.SilentGradientsConfig;
import org.latent4j.core.nn.Activation;

/** What the configs of the discrete-latent VAEs share: the networks, the likelihood and the estimator's settings. */
public interface DiscreteVaeSettings {
    /** {@return features per example} */
    int dataDim();

    /** {@return the encoder's hidden sizes} */
    List<Integer> encoderHidden();

    /** {@return the decoder's hidden sizes} */
    List<Integer> decoderHidden();

    /** {@return the hidden non-linearity} */
    Activation activation();

    /** {@return p(x|z)} */
    LikelihoodKind likelihood();

    /** {@return the standard deviation of a fixed Gaussian likelihood} */
    double likelihoodSigma();

    /** {@return latent samples per example (k)} */
    int samples();

    /** {@return the gradient estimator's name} */
    String estimator();

    /** {@return the relaxed estimators' temperature schedule} */
    Temperature temperature();

    /** {@return Silent Gradients' settings, or null for none (the default of a kind whose config has no such field)} */
    default SilentGradientsConfig silent() {
        return null;
    }
}
