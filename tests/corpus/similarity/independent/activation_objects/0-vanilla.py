#!/usr/bin/env python3
"""Dense autoencoder using activation functions as objects"""
import tensorflow.keras as keras


def autoencoder(input_dims, hidden_layers, latent_dims):
    """Make the encoder, decoder and full autoencoder"""
    relu = keras.activations.relu
    sigmoid = keras.activations.sigmoid
    visible = keras.Input(shape=(input_dims,))
    h = visible
    for k in range(len(hidden_layers)):
        h = keras.layers.Dense(hidden_layers[k], activation=relu)(h)
    code = keras.layers.Dense(latent_dims, activation=relu)(h)
    encoder = keras.Model(inputs=visible, outputs=code)
    hidden = keras.Input(shape=(latent_dims,))
    h = hidden
    for k in range(len(hidden_layers) - 1, -1, -1):
        h = keras.layers.Dense(hidden_layers[k], activation=relu)(h)
    h = keras.layers.Dense(input_dims, activation=sigmoid)(h)
    decoder = keras.Model(inputs=hidden, outputs=h)
    auto = keras.Model(inputs=visible, outputs=decoder(encoder(visible)))
    auto.compile(optimizer='adam',
                 loss=keras.losses.binary_crossentropy)
    return encoder, decoder, auto
