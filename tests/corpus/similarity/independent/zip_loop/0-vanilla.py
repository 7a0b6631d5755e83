#!/usr/bin/env python3
"""An autoencoder where both halves are built by the same loop."""
import tensorflow.keras as keras


def autoencoder(input_dims, hidden_layers, latent_dims):
    """Returns encoder, decoder, auto."""
    plans = [(input_dims, list(hidden_layers) + [latent_dims], 'relu'),
             (latent_dims, list(hidden_layers)[::-1] + [input_dims],
              'sigmoid')]
    models = []
    for width, sizes, last in plans:
        start = keras.Input(shape=(width,))
        flow = start
        for position, size in enumerate(sizes):
            act = last if position == len(sizes) - 1 else 'relu'
            flow = keras.layers.Dense(size, activation=act)(flow)
        models.append(keras.Model(start, flow))
    encoder, decoder = models
    auto = keras.Model(encoder.inputs, decoder(encoder.outputs))
    auto.compile(optimizer='adam', loss='binary_crossentropy')
    return encoder, decoder, auto
