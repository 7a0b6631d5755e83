#!/usr/bin/env python3
"""Stacked autoencoder built with Sequential models."""
import tensorflow.keras as keras


def autoencoder(input_dims, hidden_layers, l2_scale):
    """Returns encoder, decoder and the stacked autoencoder."""
    encoder = keras.Sequential([keras.Input(shape=(input_dims,))])
    for units in hidden_layers:
        encoder.add(keras.layers.Dense(
            units, activation='elu', kernel_initializer='glorot_uniform',
            kernel_regularizer=keras.regularizers.L2(l2_scale)))
    decoder = keras.Sequential([keras.Input(shape=(hidden_layers[-1],))])
    for units in hidden_layers[-2::-1]:
        decoder.add(keras.layers.Dense(
            units, activation='elu', kernel_initializer='glorot_uniform',
            kernel_regularizer=keras.regularizers.L2(l2_scale)))
    decoder.add(keras.layers.Dense(
        input_dims, kernel_initializer='glorot_uniform',
        kernel_regularizer=keras.regularizers.L2(l2_scale)))
    auto = keras.Sequential([encoder, decoder])
    auto.compile(optimizer=keras.optimizers.Adam(), loss='mse')
    return encoder, decoder, auto
