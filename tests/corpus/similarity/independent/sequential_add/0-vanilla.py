#!/usr/bin/env python3
"""Vanilla autoencoder with Sequential.add"""
import tensorflow.keras as keras


def autoencoder(input_dims, hidden_layers, latent_dims):
    """Builds the models one layer at a time"""
    encoder = keras.Sequential()
    encoder.add(keras.Input(shape=(input_dims,)))
    for nodes in hidden_layers:
        encoder.add(keras.layers.Dense(nodes, activation='relu'))
    encoder.add(keras.layers.Dense(latent_dims, activation='relu'))

    decoder = keras.Sequential()
    decoder.add(keras.Input(shape=(latent_dims,)))
    for nodes in hidden_layers[::-1]:
        decoder.add(keras.layers.Dense(nodes, activation='relu'))
    decoder.add(keras.layers.Dense(input_dims, activation='sigmoid'))

    inp = keras.Input(shape=(input_dims,))
    auto = keras.Model(inp, decoder(encoder(inp)))
    auto.compile(optimizer='Adam', loss='binary_crossentropy')
    return encoder, decoder, auto
