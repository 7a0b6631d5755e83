#!/usr/bin/env python3
"""Stacked autoencoder: Xavier uniform spelled out as variance scaling,
one dense_layer maker as in the tutorial."""
import tensorflow.keras as keras


def autoencoder(input_dims, hidden_layers, l2_scale):
    """Returns encoder, decoder and the stacked autoencoder."""
    xavier = keras.initializers.VarianceScaling(
        scale=1.0, mode='fan_avg', distribution='uniform')

    def dense_layer(units, activation='elu'):
        """The tutorial's dense_layer: ELU, Xavier, L2."""
        return keras.layers.Dense(
            units, activation=activation, kernel_initializer=xavier,
            kernel_regularizer=keras.regularizers.l2(l2_scale))

    *hidden, codings = hidden_layers
    features = keras.Input(shape=(input_dims,))
    hidden_out = features
    for units in hidden:
        hidden_out = dense_layer(units)(hidden_out)
    encoder = keras.Model(features, dense_layer(codings)(hidden_out))
    codes = keras.Input(shape=(codings,))
    hidden_out = codes
    for units in hidden[::-1]:
        hidden_out = dense_layer(units)(hidden_out)
    outputs = dense_layer(input_dims, activation=None)(hidden_out)
    decoder = keras.Model(codes, outputs)
    auto = keras.Model(features, decoder(encoder(features)))
    auto.compile(optimizer='adam', loss='mean_squared_error')
    return encoder, decoder, auto
