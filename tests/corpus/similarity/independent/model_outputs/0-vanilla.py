#!/usr/bin/env python3
"""Vanilla autoencoder chaining encoder.input and decoder.output"""
import tensorflow.keras as keras


def autoencoder(input_dims, hidden_layers, latent_dims):
    """Autoencoder"""
    Dense = keras.layers.Dense
    encoder_input = keras.Input(shape=(input_dims,))
    tensor = encoder_input
    for width in hidden_layers:
        tensor = Dense(width, activation='relu')(tensor)
    encoder = keras.Model(encoder_input,
                          Dense(latent_dims, activation='relu')(tensor))
    decoder_input = keras.Input(shape=(latent_dims,))
    tensor = decoder_input
    for width in reversed(hidden_layers):
        tensor = Dense(width, activation='relu')(tensor)
    decoder = keras.Model(decoder_input,
                          Dense(input_dims, activation='sigmoid')(tensor))
    auto = keras.Model(encoder.input, decoder(encoder.output))
    auto.compile(optimizer=keras.optimizers.Adam(),
                 loss=keras.losses.BinaryCrossentropy())
    return encoder, decoder, auto
