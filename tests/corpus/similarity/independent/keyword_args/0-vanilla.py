#!/usr/bin/env python3
"""Module that defines a vanilla autoencoder"""
import tensorflow.keras as keras


def autoencoder(input_dims, hidden_layers, latent_dims):
    """Creates a vanilla autoencoder and returns its three models"""
    inputs = keras.layers.Input(shape=(input_dims,))
    layer = inputs
    for units in hidden_layers:
        layer = keras.layers.Dense(units=units, activation='relu')(layer)
    bottleneck = keras.layers.Dense(units=latent_dims,
                                    activation='relu')(layer)
    encoder = keras.Model(inputs=inputs, outputs=bottleneck)

    latent_in = keras.layers.Input(shape=(latent_dims,))
    layer = latent_in
    for units in hidden_layers[::-1]:
        layer = keras.layers.Dense(units=units, activation='relu')(layer)
    reconstruction = keras.layers.Dense(units=input_dims,
                                        activation='sigmoid')(layer)
    decoder = keras.Model(inputs=latent_in, outputs=reconstruction)

    outputs = decoder(encoder(inputs))
    auto = keras.Model(inputs=inputs, outputs=outputs)
    auto.compile(optimizer=keras.optimizers.Adam(),
                 loss='binary_crossentropy')
    return encoder, decoder, auto
