#!/usr/bin/env python3
"""Vanilla autoencoder"""
import tensorflow.keras as keras


def autoencoder(input_dims, hidden_layers, latent_dims):
    """Creates an autoencoder

    Returns: encoder, decoder, auto
    """
    inputs = keras.Input(shape=(input_dims,))
    x = inputs
    for n in hidden_layers:
        x = keras.layers.Dense(n, activation='relu')(x)
    z = keras.layers.Dense(latent_dims, activation='relu')(x)
    encoder = keras.Model(inputs, z)

    z_inputs = keras.Input(shape=(latent_dims,))
    x = z_inputs
    for n in reversed(hidden_layers):
        x = keras.layers.Dense(n, activation='relu')(x)
    outputs = keras.layers.Dense(input_dims, activation='sigmoid')(x)
    decoder = keras.Model(z_inputs, outputs)

    auto = keras.Model(inputs, decoder(encoder(inputs)))
    auto.compile(optimizer='adam', loss='binary_crossentropy')
    return encoder, decoder, auto
