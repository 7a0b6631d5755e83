#!/usr/bin/env python3
"""Task 0 of the autoencoders project."""
import tensorflow.keras as keras


def autoencoder(input_dims, hidden_layers, latent_dims):
    """
    Builds a fully connected autoencoder.

    Returns the encoder, the decoder and the autoencoder, which is
    compiled with adam optimization and binary cross-entropy loss.
    """
    backwards = list(hidden_layers)
    backwards.reverse()

    in_enc = keras.Input(shape=(input_dims,))
    y = in_enc
    for nb in hidden_layers:
        y = keras.layers.Dense(nb, 'relu')(y)
    y = keras.layers.Dense(latent_dims, 'relu')(y)
    encoder = keras.Model(in_enc, y)

    in_dec = keras.Input(shape=(latent_dims,))
    y = in_dec
    for nb in backwards:
        y = keras.layers.Dense(nb, 'relu')(y)
    y = keras.layers.Dense(input_dims, 'sigmoid')(y)
    decoder = keras.Model(in_dec, y)

    in_auto = keras.Input(shape=(input_dims,))
    auto = keras.Model(in_auto, decoder(encoder(in_auto)))
    auto.compile(optimizer='adam', loss='binary_crossentropy')
    return encoder, decoder, auto
