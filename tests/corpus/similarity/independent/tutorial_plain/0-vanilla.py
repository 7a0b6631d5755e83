#!/usr/bin/env python3
"""Vanilla autoencoder, as in the Keras blog's tutorial."""
import tensorflow.keras as keras


def autoencoder(input_dims, hidden_layers, latent_dims):
    """Builds the encoder, the decoder and the autoencoder."""
    input_img = keras.Input(shape=(input_dims,))
    encoded = input_img
    for nodes in hidden_layers:
        encoded = keras.layers.Dense(nodes, activation='relu')(encoded)
    encoded = keras.layers.Dense(latent_dims, activation='relu')(encoded)
    encoder = keras.Model(input_img, encoded)

    encoded_input = keras.Input(shape=(latent_dims,))
    decoded = encoded_input
    for nodes in reversed(hidden_layers):
        decoded = keras.layers.Dense(nodes, activation='relu')(decoded)
    decoded = keras.layers.Dense(input_dims, activation='sigmoid')(decoded)
    decoder = keras.Model(encoded_input, decoded)

    auto = keras.Model(input_img, decoder(encoder(input_img)))
    auto.compile(optimizer='adam', loss='binary_crossentropy')
    return encoder, decoder, auto
