#!/usr/bin/env python3
"""autoencoder built with while loops"""
import tensorflow.keras as keras


def autoencoder(input_dims, hidden_layers, latent_dims):
    """returns encoder, decoder, auto"""
    entry = keras.Input(shape=(input_dims,))
    current = entry
    i = 0
    while i < len(hidden_layers):
        current = keras.layers.Dense(hidden_layers[i],
                                     activation='relu')(current)
        i += 1
    code = keras.layers.Dense(latent_dims, activation='relu')(current)
    encoder = keras.Model(entry, code)

    code_entry = keras.Input(shape=(latent_dims,))
    current = code_entry
    i = len(hidden_layers) - 1
    while i >= 0:
        current = keras.layers.Dense(hidden_layers[i],
                                     activation='relu')(current)
        i -= 1
    exit_ = keras.layers.Dense(input_dims, activation='sigmoid')(current)
    decoder = keras.Model(code_entry, exit_)

    auto = keras.Model(entry, decoder(encoder(entry)))
    optimizer = keras.optimizers.Adam()
    auto.compile(optimizer=optimizer, loss='binary_crossentropy')
    return encoder, decoder, auto
