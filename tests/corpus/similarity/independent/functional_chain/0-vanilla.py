#!/usr/bin/env python3
"""Autoencoder built with a chain of layer calls"""
import tensorflow.keras as keras


def autoencoder(input_dims, hidden_layers, latent_dims):
    """Creates a vanilla autoencoder"""
    input_layer = keras.layers.Input(shape=(input_dims,))
    prev = input_layer
    for nodes in hidden_layers:
        dense = keras.layers.Dense(nodes, activation='relu')
        prev = dense(prev)
    code_layer = keras.layers.Dense(latent_dims, activation='relu')
    encoder = keras.models.Model(input_layer, code_layer(prev))

    decoder_input = keras.layers.Input(shape=(latent_dims,))
    prev = decoder_input
    for nodes in reversed(hidden_layers):
        dense = keras.layers.Dense(nodes, activation='relu')
        prev = dense(prev)
    last_layer = keras.layers.Dense(input_dims, activation='sigmoid')
    decoder = keras.models.Model(decoder_input, last_layer(prev))

    encoded = encoder(input_layer)
    decoded = decoder(encoded)
    auto = keras.models.Model(input_layer, decoded)
    auto.compile(loss='binary_crossentropy', optimizer='adam')
    return encoder, decoder, auto
