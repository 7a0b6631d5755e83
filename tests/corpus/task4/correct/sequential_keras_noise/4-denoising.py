#!/usr/bin/env python3
"""Denoising autoencoder: Sequential models, noise drawn with Keras."""
import tensorflow.keras as keras


def add_noise(images, noise_factor, seed):
    """Returns images with Gaussian noise, clipped to [0, 1]."""
    keras.utils.set_random_seed(seed)
    noise = keras.backend.random_normal(images.shape, dtype=images.dtype)
    return keras.backend.clip(images + noise_factor * noise, 0., 1.)


def autoencoder(input_dims, filters, latent_dims):
    """Returns encoder, decoder and the compiled autoencoder."""
    encoder = keras.Sequential([keras.Input(shape=input_dims)])
    for f in filters:
        encoder.add(keras.layers.Conv2D(f, 3, padding='same',
                                        activation='relu'))
        encoder.add(keras.layers.MaxPool2D(2, padding='same'))
    decoder = keras.Sequential([keras.Input(shape=latent_dims)])
    for i in range(len(filters) - 1, -1, -1):
        decoder.add(keras.layers.Conv2D(
            filters[i], 3, padding='valid' if i == 0 else 'same',
            activation='relu'))
        decoder.add(keras.layers.UpSampling2D(2))
    decoder.add(keras.layers.Conv2D(input_dims[-1], 3, padding='same',
                                    activation='sigmoid'))
    auto = keras.Sequential([encoder, decoder])
    auto.compile(optimizer='adam', loss='binary_crossentropy')
    return encoder, decoder, auto
