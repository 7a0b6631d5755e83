#!/usr/bin/env python3
"""Convolutional autoencoder, after the Keras blog's tutorial."""
import tensorflow.keras as keras


def autoencoder(input_dims, filters, latent_dims):
    """Builds the convolutional encoder, decoder and autoencoder."""
    input_img = keras.Input(shape=input_dims)
    x = input_img
    for f in filters:
        x = keras.layers.Conv2D(f, (3, 3), activation='relu',
                                padding='same')(x)
        x = keras.layers.MaxPooling2D((2, 2), padding='same')(x)
    encoder = keras.Model(input_img, x)

    encoded = keras.Input(shape=latent_dims)
    x = encoded
    for f in reversed(filters[1:]):
        x = keras.layers.Conv2D(f, (3, 3), activation='relu',
                                padding='same')(x)
        x = keras.layers.UpSampling2D((2, 2))(x)
    x = keras.layers.Conv2D(filters[0], (3, 3), activation='relu',
                            padding='valid')(x)
    x = keras.layers.UpSampling2D((2, 2))(x)
    decoded = keras.layers.Conv2D(input_dims[-1], (3, 3),
                                  activation='sigmoid', padding='same')(x)
    decoder = keras.Model(encoded, decoded)

    auto = keras.Model(input_img, decoder(encoder(input_img)))
    auto.compile(optimizer='adam', loss='binary_crossentropy')
    return encoder, decoder, auto
