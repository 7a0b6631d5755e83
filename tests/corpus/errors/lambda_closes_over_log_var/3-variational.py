#!/usr/bin/env python3
"""VAE whose sampling Lambda takes log_var from the enclosing function."""
import tensorflow.keras as keras

K = keras.backend


class KLDivergence(keras.layers.Layer):
    """Adds the KL divergence as a loss."""

    def call(self, inputs):
        """Returns mean and log_var unchanged."""
        mean, log_var = inputs
        kl = -0.5 * K.sum(1 + log_var - K.square(mean) - K.exp(log_var),
                          axis=-1)
        self.add_loss(K.mean(kl))
        return mean, log_var


def autoencoder(input_dims, hidden_layers, latent_dims):
    """Returns encoder, decoder and the compiled VAE."""
    inputs = keras.Input(shape=(input_dims,))
    x = inputs
    for units in hidden_layers:
        x = keras.layers.Dense(units, activation='relu')(x)
    mean = keras.layers.Dense(latent_dims)(x)
    log_var = keras.layers.Dense(latent_dims)(x)
    mean, log_var = KLDivergence()([mean, log_var])

    def sampling(mean):
        """Draws z around mean, with log_var from the enclosing scope."""
        epsilon = K.random_normal(K.shape(mean))
        return mean + K.exp(log_var / 2) * epsilon

    z = keras.layers.Lambda(sampling)(mean)
    encoder = keras.Model(inputs, [z, mean, log_var])

    latent_inputs = keras.Input(shape=(latent_dims,))
    x = latent_inputs
    for units in reversed(hidden_layers):
        x = keras.layers.Dense(units, activation='relu')(x)
    outputs = keras.layers.Dense(input_dims, activation='sigmoid')(x)
    decoder = keras.Model(latent_inputs, outputs)
    auto = keras.Model(inputs, decoder(encoder(inputs)[0]))

    def vae_loss(x_true, x_pred):
        """Binary cross-entropy summed over the features."""
        return K.sum(K.binary_crossentropy(x_true, x_pred), axis=-1)

    auto.compile(optimizer='adam', loss=vae_loss)
    return encoder, decoder, auto
