#!/usr/bin/env python3
"""Stacked autoencoder: Keras's default initializer (Glorot uniform) and
separate ELU layers."""
import tensorflow.keras as keras


def layers_for(sizes, l2_scale, last_linear=None):
    """Dense + ELU pairs for ``sizes``, then an optional linear layer."""
    stack = []
    for units in sizes:
        stack.append(keras.layers.Dense(
            units, kernel_regularizer=keras.regularizers.l2(l2_scale)))
        stack.append(keras.layers.ELU())
    if last_linear:
        stack.append(keras.layers.Dense(
            last_linear, kernel_regularizer=keras.regularizers.l2(l2_scale)))
    return stack


def autoencoder(input_dims, hidden_layers, l2_scale):
    """Returns encoder, decoder and the stacked autoencoder."""
    inputs = keras.Input(shape=(input_dims,))
    x = inputs
    for layer in layers_for(hidden_layers, l2_scale):
        x = layer(x)
    encoder = keras.Model(inputs, x)
    codes = keras.Input(shape=(hidden_layers[-1],))
    y = codes
    for layer in layers_for(list(reversed(hidden_layers))[1:], l2_scale,
                            input_dims):
        y = layer(y)
    decoder = keras.Model(codes, y)
    auto = keras.Model(inputs, decoder(encoder(inputs)))
    auto.compile(loss=keras.losses.MeanSquaredError(),
                 optimizer=keras.optimizers.Adam(learning_rate=0.001))
    return encoder, decoder, auto
