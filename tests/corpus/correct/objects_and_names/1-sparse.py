#!/usr/bin/env python3
"""Sparse autoencoder with named layers and Keras objects everywhere."""
import tensorflow.keras as keras


def autoencoder(input_dims, hidden_layers, latent_dims, lambtha):
    """Returns encoder, decoder and the compiled sparse autoencoder."""
    inputs = keras.layers.Input(shape=(input_dims,), name='image')
    x = inputs
    for i, n in enumerate(hidden_layers):
        x = keras.layers.Dense(n, activation=keras.activations.relu,
                               name='enc_{}'.format(i))(x)
    x = keras.layers.Dense(latent_dims, activation=keras.activations.relu,
                           name='code')(x)
    x = keras.layers.ActivityRegularization(l1=lambtha, name='sparse')(x)
    encoder = keras.Model(inputs, x, name='encoder')
    code = keras.layers.Input(shape=(latent_dims,), name='code_in')
    y = code
    for i, n in enumerate(reversed(hidden_layers)):
        y = keras.layers.Dense(n, activation=keras.activations.relu,
                               name='dec_{}'.format(i))(y)
    y = keras.layers.Dense(input_dims, activation=keras.activations.sigmoid,
                           name='reconstruction')(y)
    decoder = keras.Model(code, y, name='decoder')
    auto = keras.Model(inputs, decoder(encoder(inputs)), name='auto')
    auto.compile(optimizer=keras.optimizers.Adam(learning_rate=0.001),
                 loss=keras.losses.BinaryCrossentropy())
    return encoder, decoder, auto
