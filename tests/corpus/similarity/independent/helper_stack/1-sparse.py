#!/usr/bin/env python3
"""Sparse autoencoder with a helper that stacks dense layers."""
import tensorflow.keras as keras


def dense_stack(tensor, sizes, activation='relu'):
    """Applies one Dense layer per size to tensor."""
    for size in sizes:
        tensor = keras.layers.Dense(size, activation=activation)(tensor)
    return tensor


def autoencoder(input_dims, hidden_layers, latent_dims, lambtha):
    """Returns encoder, decoder and auto; L1 on the code."""
    x = keras.Input(shape=(input_dims,))
    h = dense_stack(x, hidden_layers)
    sparse = keras.regularizers.l1(lambtha)
    z = keras.layers.Dense(latent_dims, activation='relu',
                           activity_regularizer=sparse)(h)
    encoder = keras.Model(x, z)
    z_in = keras.Input(shape=(latent_dims,))
    h = dense_stack(z_in, list(reversed(hidden_layers)))
    y = keras.layers.Dense(input_dims, activation='sigmoid')(h)
    decoder = keras.Model(z_in, y)
    auto = keras.Model(x, decoder(encoder(x)))
    auto.compile('adam', 'binary_crossentropy')
    return encoder, decoder, auto
