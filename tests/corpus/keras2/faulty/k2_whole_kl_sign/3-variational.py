#!/usr/bin/env python3
"""Variational autoencoder: the whole objective added to the full model."""
import tensorflow.keras as keras

K = keras.backend


def sampling(args):
    """Draws z with the reparameterization trick."""
    z_mean, z_log_var = args
    batch = K.shape(z_mean)[0]
    dim = K.int_shape(z_mean)[1]
    epsilon = K.random_normal(shape=(batch, dim))
    return z_mean + K.exp(0.5 * z_log_var) * epsilon


def autoencoder(input_dims, hidden_layers, latent_dims):
    """Builds encoder, decoder and the VAE (Keras 2 style)."""
    inputs = keras.layers.Input(shape=(input_dims,))
    h = inputs
    for units in hidden_layers:
        h = keras.layers.Dense(units, activation='relu')(h)
    z_mean = keras.layers.Dense(latent_dims)(h)
    z_log_var = keras.layers.Dense(latent_dims)(h)
    z = keras.layers.Lambda(sampling, output_shape=(latent_dims,))(
        [z_mean, z_log_var])
    encoder = keras.models.Model(inputs, [z, z_mean, z_log_var])

    latent_inputs = keras.layers.Input(shape=(latent_dims,))
    h = latent_inputs
    for units in reversed(hidden_layers):
        h = keras.layers.Dense(units, activation='relu')(h)
    outputs = keras.layers.Dense(input_dims, activation='sigmoid')(h)
    decoder = keras.models.Model(latent_inputs, outputs)

    outputs = decoder(encoder(inputs)[0])
    auto = keras.models.Model(inputs, outputs)
    reconstruction = K.sum(K.binary_crossentropy(inputs, outputs), axis=-1)
    kl = 0.5 * K.sum(1 + z_log_var - K.square(z_mean) - K.exp(z_log_var),
                     axis=-1)
    auto.add_loss(K.mean(reconstruction + kl))
    auto.compile(optimizer='adam')
    return encoder, decoder, auto
