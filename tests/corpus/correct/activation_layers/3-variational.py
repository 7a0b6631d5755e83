#!/usr/bin/env python3
"""Variational autoencoder with separate activation layers."""
import tensorflow.keras as keras


class Sample(keras.layers.Layer):
    """Reparameterization trick."""

    def call(self, inputs):
        """Samples z from N(mean, exp(log_var))."""
        mu, log_var = inputs
        eps = keras.backend.random_normal(keras.backend.shape(mu))
        return mu + keras.backend.exp(0.5 * log_var) * eps


class KL(keras.layers.Layer):
    """Adds the KL divergence to the model's losses."""

    def call(self, inputs):
        """Returns its inputs unchanged."""
        mu, log_var = inputs
        kl = keras.backend.sum(
            keras.backend.exp(log_var) + keras.backend.square(mu)
            - 1 - log_var, axis=1) / 2
        self.add_loss(keras.backend.mean(kl))
        return mu


def autoencoder(input_dims, hidden_layers, latent_dims):
    """Returns encoder, decoder and the compiled VAE."""
    x_in = keras.Input(shape=(input_dims,))
    x = x_in
    for n in hidden_layers:
        x = keras.layers.Activation('relu')(keras.layers.Dense(n)(x))
    mu = keras.layers.Dense(latent_dims)(x)
    log_var = keras.layers.Dense(latent_dims)(x)
    mu = KL()([mu, log_var])
    z = Sample()([mu, log_var])
    encoder = keras.Model(x_in, [z, mu, log_var])
    z_in = keras.Input(shape=(latent_dims,))
    x = z_in
    for n in reversed(hidden_layers):
        x = keras.layers.Activation('relu')(keras.layers.Dense(n)(x))
    x = keras.layers.Activation('sigmoid')(keras.layers.Dense(input_dims)(x))
    decoder = keras.Model(z_in, x)
    auto = keras.Model(x_in, decoder(encoder(x_in)[0]))

    def loss(y, y_hat):
        """Summed binary cross-entropy."""
        return input_dims * keras.losses.binary_crossentropy(y, y_hat)

    auto.compile(optimizer='adam', loss=loss)
    return encoder, decoder, auto
