#!/usr/bin/env python3
"""Vanilla autoencoder with a helper that stacks dense layers."""
import tensorflow.keras as keras


def dense_stack(tensor, sizes, activation='relu'):
    """Applies one Dense layer per size to tensor."""
    for size in sizes:
        tensor = keras.layers.Dense(size, activation=activation)(tensor)
    return tensor


def autoencoder(input_dims, hidden_layers, latent_dims):
    """Returns encoder, decoder and auto (compiled with adam and bce)."""
    x = keras.Input(shape=(input_dims,))
    z = dense_stack(x, list(hidden_layers) + [latent_dims])
    encoder = keras.Model(x, z)
    z_in = keras.Input(shape=(latent_dims,))
    h = dense_stack(z_in, list(reversed(hidden_layers)))
    y = keras.layers.Dense(input_dims, activation='sigmoid')(h)
    decoder = keras.Model(z_in, y)
    auto = keras.Model(x, decoder(encoder(x)))
    auto.compile('adam', 'binary_crossentropy')
    return encoder, decoder, auto
