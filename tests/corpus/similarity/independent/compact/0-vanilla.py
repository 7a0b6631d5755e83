#!/usr/bin/env python3
"""vanilla"""
import tensorflow.keras as keras


def autoencoder(input_dims, hidden_layers, latent_dims):
    """vanilla autoencoder"""
    inp = keras.Input((input_dims,))
    e = inp
    for u in hidden_layers:
        e = keras.layers.Dense(u, 'relu')(e)
    encoder = keras.Model(inp, keras.layers.Dense(latent_dims, 'relu')(e))
    lat = keras.Input((latent_dims,))
    d = lat
    for u in hidden_layers[::-1]:
        d = keras.layers.Dense(u, 'relu')(d)
    decoder = keras.Model(lat, keras.layers.Dense(input_dims, 'sigmoid')(d))
    auto = keras.Model(inp, decoder(encoder(inp)))
    auto.compile('adam', 'binary_crossentropy')
    return encoder, decoder, auto
