#!/usr/bin/env python3
"""An encoder that returns one number for the whole batch."""
import tensorflow.keras as keras


class Total(keras.layers.Layer):
    """Sums everything it is given into a single value."""

    def call(self, inputs):
        """Returns the sum of the batch."""
        return keras.ops.sum(inputs) if hasattr(keras, "ops") else \
            keras.backend.sum(inputs)


def autoencoder(input_dims, hidden_layers, latent_dims):
    """Builds models whose encoder output is a scalar."""
    inputs = keras.Input(shape=(input_dims,))
    x = inputs
    for units in hidden_layers:
        x = keras.layers.Dense(units, activation='relu')(x)
    latent = keras.layers.Dense(latent_dims, activation='relu')(x)
    encoder = keras.Model(inputs, Total()(latent))
    codes = keras.Input(shape=(latent_dims,))
    x = codes
    for units in reversed(hidden_layers):
        x = keras.layers.Dense(units, activation='relu')(x)
    outputs = keras.layers.Dense(input_dims, activation='sigmoid')(x)
    decoder = keras.Model(codes, outputs)
    auto = keras.Model(inputs, decoder(latent))
    auto.compile(optimizer='adam', loss='binary_crossentropy')
    return encoder, decoder, auto
