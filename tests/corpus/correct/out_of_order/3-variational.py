#!/usr/bin/env python3
"""Variational autoencoder that builds the log variance before the mean."""
import tensorflow.keras as keras


class Reparameterize(keras.layers.Layer):
    """z from (log_var, mean), with the KL term added as a loss."""

    def call(self, inputs):
        """Returns z."""
        log_var, mean = inputs
        self.add_loss(keras.backend.mean(-0.5 * keras.backend.sum(
            1 + log_var - mean * mean - keras.backend.exp(log_var),
            axis=1)))
        noise = keras.backend.random_normal(keras.backend.shape(log_var),
                                            seed=1234)
        return keras.backend.exp(log_var * 0.5) * noise + mean


def autoencoder(input_dims, hidden_layers, latent_dims):
    """Returns encoder, decoder and the compiled VAE."""
    out_layer = keras.layers.Dense(input_dims, activation='sigmoid')
    log_var_layer = keras.layers.Dense(latent_dims)
    mean_layer = keras.layers.Dense(latent_dims)
    inputs = keras.Input(shape=(input_dims,))
    x = inputs
    for n in hidden_layers:
        x = keras.layers.Dense(n, activation='relu')(x)
    log_var = log_var_layer(x)
    mean = mean_layer(x)
    z = Reparameterize()([log_var, mean])
    encoder = keras.Model(inputs, [z, mean, log_var])
    latent = keras.Input(shape=(latent_dims,))
    x = latent
    for n in hidden_layers[::-1]:
        x = keras.layers.Dense(n, activation='relu')(x)
    decoder = keras.Model(latent, out_layer(x))
    z, _, _ = encoder(inputs)
    auto = keras.Model(inputs, decoder(z))
    auto.compile(
        optimizer='adam',
        loss=lambda x, y: keras.losses.binary_crossentropy(x, y) * input_dims)
    return encoder, decoder, auto
