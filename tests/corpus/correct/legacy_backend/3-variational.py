#!/usr/bin/env python3
"""Variational autoencoder with Lambda layers and the legacy backend."""
import tensorflow.keras as keras

K = keras.backend


def sampling(args):
    """Reparameterization: z = mean + sigma * epsilon."""
    z_mean, z_log_var = args
    batch = K.shape(z_mean)[0]
    dim = K.int_shape(z_mean)[1]
    epsilon = K.random_normal(shape=(batch, dim))
    return z_mean + K.exp(0.5 * z_log_var) * epsilon


class KLLoss(keras.layers.Layer):
    """Adds the KL divergence as a loss and passes z through."""

    def call(self, inputs):
        """Returns z."""
        z, z_mean, z_log_var = inputs
        kl = 1 + z_log_var - K.square(z_mean) - K.exp(z_log_var)
        self.add_loss(K.mean(-0.5 * K.sum(kl, axis=-1)))
        return z


def autoencoder(input_dims, hidden_layers, latent_dims):
    """Returns encoder, decoder and the compiled VAE."""
    inputs = keras.layers.Input(shape=(input_dims,))
    h = inputs
    for units in hidden_layers:
        h = keras.layers.Dense(units, activation='relu')(h)
    z_mean = keras.layers.Dense(latent_dims, name='z_mean')(h)
    z_log_var = keras.layers.Dense(latent_dims, name='z_log_var')(h)
    z = keras.layers.Lambda(sampling, output_shape=(latent_dims,))(
        [z_mean, z_log_var])
    z = KLLoss()([z, z_mean, z_log_var])
    encoder = keras.models.Model(inputs, [z, z_mean, z_log_var])
    latent_inputs = keras.layers.Input(shape=(latent_dims,))
    h = latent_inputs
    for units in reversed(hidden_layers):
        h = keras.layers.Dense(units, activation='relu')(h)
    outputs = keras.layers.Dense(input_dims, activation='sigmoid')(h)
    decoder = keras.models.Model(latent_inputs, outputs)
    auto = keras.models.Model(inputs, decoder(encoder(inputs)[0]))

    def vae_loss(x, x_decoded):
        """Summed binary cross-entropy."""
        return K.sum(K.binary_crossentropy(x, x_decoded), axis=-1)

    auto.compile(optimizer='adam', loss=vae_loss)
    return encoder, decoder, auto
