#!/usr/bin/env python3
"""
Variational Autoencoder
"""
import tensorflow.keras as keras


class Sampler(keras.layers.Layer):
    """
    Reparameterization trick
    """

    def call(self, inputs):
        """
        :param inputs: the mean and the log variance
        :return: a sample of the latent space
        """
        z_mean, z_log_sigma = inputs
        batch = keras.ops.shape(z_mean)[0]
        dim = keras.ops.shape(z_mean)[1]
        noise = keras.random.normal(shape=(batch, dim))
        return z_mean + keras.ops.exp(0.5 * z_log_sigma) * noise


class KLLoss(keras.layers.Layer):
    """
    Adds the Kullback-Leibler term to the model's losses
    """

    def call(self, inputs):
        """
        :param inputs: the mean and the log variance
        :return: the inputs, unchanged
        """
        z_mean, z_log_sigma = inputs
        kl = 1 + z_log_sigma - keras.ops.square(z_mean)
        kl = kl - keras.ops.exp(z_log_sigma)
        kl = -0.5 * keras.ops.sum(kl, axis=-1)
        self.add_loss(keras.ops.mean(kl))
        return z_mean, z_log_sigma


def autoencoder(input_dims, hidden_layers, latent_dims):
    """
    Creates a variational autoencoder
    :param input_dims: integer containing the dimensions of the model input
    :param hidden_layers: list containing the number of nodes for each
        hidden layer in the encoder, respectively
    :param latent_dims: integer containing the dimensions of the latent
        space representation
    :return: encoder, decoder, auto
    """
    encoder_inputs = keras.Input(shape=(input_dims,))
    outputs = encoder_inputs
    for units in hidden_layers:
        outputs = keras.layers.Dense(units=units,
                                     activation="relu")(outputs)
    z_mean = keras.layers.Dense(units=latent_dims)(outputs)
    z_log_sigma = keras.layers.Dense(units=latent_dims)(outputs)
    z_mean, z_log_sigma = KLLoss()([z_mean, z_log_sigma])
    z = Sampler()([z_mean, z_log_sigma])
    encoder = keras.models.Model(inputs=encoder_inputs,
                                 outputs=[z, z_mean, z_log_sigma])

    decoder_inputs = keras.Input(shape=(latent_dims,))
    outputs = decoder_inputs
    for units in reversed(hidden_layers):
        outputs = keras.layers.Dense(units=units,
                                     activation="relu")(outputs)
    outputs = keras.layers.Dense(units=input_dims,
                                 activation="sigmoid")(outputs)
    decoder = keras.models.Model(inputs=decoder_inputs, outputs=outputs)

    outputs = decoder(encoder(encoder_inputs)[0])
    auto = keras.models.Model(inputs=encoder_inputs, outputs=outputs)

    def reconstruction(y_true, y_pred):
        """
        :return: the binary cross-entropy summed over the features
        """
        bce = keras.losses.binary_crossentropy(y_true, y_pred)
        return bce * input_dims

    auto.compile(optimizer="Adam", loss=reconstruction)
    return encoder, decoder, auto
