#!/usr/bin/env python3
"""vanilla autoencoder with keras.layers.InputLayer"""
import tensorflow.keras as keras


def autoencoder(input_dims, hidden_layers, latent_dims):
    """vanilla autoencoder"""
    encoder = keras.Sequential(name='encoder')
    encoder.add(keras.layers.InputLayer(input_shape=(input_dims,)))
    for size in hidden_layers:
        encoder.add(keras.layers.Dense(size, activation='relu'))
    encoder.add(keras.layers.Dense(latent_dims, activation='relu'))
    decoder = keras.Sequential(name='decoder')
    decoder.add(keras.layers.InputLayer(input_shape=(latent_dims,)))
    for size in reversed(hidden_layers):
        decoder.add(keras.layers.Dense(size, activation='relu'))
    decoder.add(keras.layers.Dense(input_dims, activation='sigmoid'))
    auto = keras.Sequential([encoder, decoder], name='autoencoder')
    auto.compile(optimizer=keras.optimizers.Adam(),
                 loss='binary_crossentropy')
    return encoder, decoder, auto
