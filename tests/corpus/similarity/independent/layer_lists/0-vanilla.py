#!/usr/bin/env python3
"""Autoencoder whose layers are kept in lists first"""
import tensorflow.keras as keras


def build(inputs, layers):
    """Calls every layer in order on inputs"""
    output = inputs
    for layer in layers:
        output = layer(output)
    return output


def autoencoder(input_dims, hidden_layers, latent_dims):
    """Creates the autoencoder"""
    sizes = hidden_layers + [latent_dims]
    enc_layers = [keras.layers.Dense(s, activation='relu') for s in sizes]
    dec_sizes = hidden_layers[::-1]
    dec_layers = [keras.layers.Dense(s, activation='relu')
                  for s in dec_sizes]
    dec_layers += [keras.layers.Dense(input_dims, activation='sigmoid')]

    inputs = keras.Input(shape=(input_dims,))
    encoder = keras.Model(inputs, build(inputs, enc_layers))
    latent = keras.Input(shape=(latent_dims,))
    decoder = keras.Model(latent, build(latent, dec_layers))
    auto = keras.Model(inputs, decoder(encoder(inputs)))
    auto.compile(optimizer='adam', loss='binary_crossentropy')
    return encoder, decoder, auto
