#!/usr/bin/env python3
"""Vanilla autoencoder built from Sequential models."""
import tensorflow.keras as keras


def autoencoder(input_dims, hidden_layers, latent_dims):
    """Returns encoder, decoder and the compiled autoencoder."""
    encoder = keras.Sequential(
        [keras.Input(shape=(input_dims,))]
        + [keras.layers.Dense(n, activation='relu') for n in hidden_layers]
        + [keras.layers.Dense(latent_dims, activation='relu')])
    decoder = keras.Sequential(
        [keras.Input(shape=(latent_dims,))]
        + [keras.layers.Dense(n, activation='relu')
           for n in hidden_layers[::-1]]
        + [keras.layers.Dense(input_dims, activation='sigmoid')])
    auto = keras.Sequential([encoder, decoder])
    auto.compile(optimizer='adam', loss='binary_crossentropy')
    return encoder, decoder, auto
