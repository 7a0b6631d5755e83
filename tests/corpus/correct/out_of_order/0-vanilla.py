#!/usr/bin/env python3
"""Vanilla autoencoder whose layers are all created before use."""
import tensorflow.keras as keras


def autoencoder(input_dims, hidden_layers, latent_dims):
    """Returns encoder, decoder and the compiled autoencoder."""
    decoder_layers = [keras.layers.Dense(n, activation='relu')
                      for n in reversed(hidden_layers)]
    decoder_layers.append(keras.layers.Dense(input_dims,
                                             activation='sigmoid'))
    encoder_layers = [keras.layers.Dense(n, activation='relu')
                      for n in hidden_layers + [latent_dims]]
    latent = keras.Input(shape=(latent_dims,))
    x = latent
    for layer in decoder_layers:
        x = layer(x)
    decoder = keras.Model(latent, x)
    inputs = keras.Input(shape=(input_dims,))
    x = inputs
    for layer in encoder_layers:
        x = layer(x)
    encoder = keras.Model(inputs, x)
    auto = keras.Model(inputs, decoder(encoder(inputs)))
    auto.compile(loss='binary_crossentropy', optimizer='Adam')
    return encoder, decoder, auto
