#!/usr/bin/env python3
"""Vanilla autoencoder with separate activation layers."""
import tensorflow.keras as keras


def autoencoder(input_dims, hidden_layers, latent_dims):
    """Returns encoder, decoder and the compiled autoencoder."""
    x_in = keras.Input(shape=(input_dims,))
    x = x_in
    for n in hidden_layers:
        x = keras.layers.Dense(n)(x)
        x = keras.layers.ReLU()(x)
    x = keras.layers.Dense(latent_dims)(x)
    x = keras.layers.Activation('relu')(x)
    encoder = keras.Model(x_in, x)
    z_in = keras.Input(shape=(latent_dims,))
    x = z_in
    for n in reversed(hidden_layers):
        x = keras.layers.Dense(n)(x)
        x = keras.layers.Activation('relu')(x)
    x = keras.layers.Dense(input_dims)(x)
    x = keras.layers.Activation('sigmoid')(x)
    decoder = keras.Model(z_in, x)
    auto = keras.Model(x_in, decoder(encoder(x_in)))
    auto.compile(optimizer='adam', loss='binary_crossentropy')
    return encoder, decoder, auto
