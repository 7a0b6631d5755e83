#!/usr/bin/env python3
"""Convolutional autoencoder made of two builder functions"""
import tensorflow.keras as keras


def conv_block(x, n, padding, upsample):
    """3x3 relu convolution followed by pooling or upsampling"""
    x = keras.layers.Conv2D(n, 3, padding=padding, activation='relu')(x)
    if upsample:
        return keras.layers.UpSampling2D(2)(x)
    return keras.layers.MaxPooling2D(2, padding='same')(x)


def autoencoder(input_dims, filters, latent_dims):
    """encoder, decoder and the compiled autoencoder"""
    image = keras.Input(shape=input_dims)
    x = image
    for n in filters:
        x = conv_block(x, n, 'same', False)
    encoder = keras.Model(image, x, name='encoder')
    code = keras.Input(shape=latent_dims)
    x = code
    backwards = filters[::-1]
    for position, n in enumerate(backwards):
        last = position == len(backwards) - 1
        x = conv_block(x, n, 'valid' if last else 'same', True)
    x = keras.layers.Conv2D(input_dims[-1], 3, padding='same',
                            activation='sigmoid')(x)
    decoder = keras.Model(code, x, name='decoder')
    auto = keras.Model(image, decoder(encoder(image)), name='auto')
    auto.compile(optimizer='adam', loss='binary_crossentropy')
    return encoder, decoder, auto
