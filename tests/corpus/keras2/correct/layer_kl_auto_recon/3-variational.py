#!/usr/bin/env python3
"""Variational autoencoder: KL in a layer, reconstruction on the model."""
import tensorflow.keras as keras

K = keras.backend


class KLDivergence(keras.layers.Layer):
    """Adds the KL divergence of the latent distribution as a loss."""

    def call(self, inputs):
        """Returns the inputs unchanged."""
        z_mean, z_log_var = inputs
        kl = -0.5 * K.sum(1 + z_log_var - K.square(z_mean)
                          - K.exp(z_log_var), axis=-1)
        self.add_loss(K.mean(kl))
        return inputs


def sampling(args):
    """Draws z with the reparameterization trick."""
    z_mean, z_log_var = args
    return z_mean + K.exp(z_log_var / 2) * K.random_normal(K.shape(z_mean))


def autoencoder(input_dims, hidden_layers, latent_dims):
    """Builds encoder, decoder and the VAE (Keras 2 style)."""
    x = keras.Input(shape=(input_dims,))
    h = x
    for units in hidden_layers:
        h = keras.layers.Dense(units, activation='relu')(h)
    z_mean = keras.layers.Dense(latent_dims)(h)
    z_log_var = keras.layers.Dense(latent_dims)(h)
    z_mean, z_log_var = KLDivergence()([z_mean, z_log_var])
    z = keras.layers.Lambda(sampling)([z_mean, z_log_var])
    encoder = keras.Model(x, [z, z_mean, z_log_var])

    latent = keras.Input(shape=(latent_dims,))
    h = latent
    for units in reversed(hidden_layers):
        h = keras.layers.Dense(units, activation='relu')(h)
    y = keras.layers.Dense(input_dims, activation='sigmoid')(h)
    decoder = keras.Model(latent, y)

    outputs = decoder(encoder(x)[0])
    auto = keras.Model(x, outputs)
    bce = keras.losses.binary_crossentropy(x, outputs) * input_dims
    auto.add_loss(K.mean(bce))
    auto.compile(optimizer='adam')
    return encoder, decoder, auto
