#!/usr/bin/env python3
"""Convolutional autoencoder with separate activation layers."""
import tensorflow.keras as keras


def autoencoder(input_dims, filters, latent_dims):
    """Returns encoder, decoder and the compiled autoencoder."""
    x_in = keras.Input(shape=input_dims)
    x = x_in
    for f in filters:
        x = keras.layers.Conv2D(f, (3, 3), padding='same')(x)
        x = keras.layers.Activation('relu')(x)
        x = keras.layers.MaxPooling2D((2, 2), padding='same')(x)
    encoder = keras.Model(x_in, x)
    z_in = keras.Input(shape=latent_dims)
    x = z_in
    rev = filters[::-1]
    for i, f in enumerate(rev):
        pad = 'valid' if i == len(rev) - 1 else 'same'
        x = keras.layers.Conv2D(f, (3, 3), padding=pad)(x)
        x = keras.layers.ReLU()(x)
        x = keras.layers.UpSampling2D((2, 2))(x)
    x = keras.layers.Conv2D(input_dims[-1], (3, 3), padding='same')(x)
    x = keras.layers.Activation('sigmoid')(x)
    decoder = keras.Model(z_in, x)
    auto = keras.Model(x_in, decoder(encoder(x_in)))
    auto.compile(optimizer='adam', loss='binary_crossentropy')
    return encoder, decoder, auto
