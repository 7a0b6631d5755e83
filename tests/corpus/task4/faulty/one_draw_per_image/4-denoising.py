#!/usr/bin/env python3
"""Task 4: a denoising autoencoder (noisy digits in, clean digits out)."""
import numpy as np
import tensorflow.keras as keras


def add_noise(images, noise_factor, seed):
    """Adds Gaussian noise to images, as the Keras blog's denoising example.

    images: a numpy.ndarray of pixel values in [0, 1], of any shape
    noise_factor: the standard deviation of the noise
    seed: the seed of the noise's generator (numpy.random.default_rng):
        the same seed gives the same noise

    Returns: a new numpy.ndarray of the shape and dtype of images,
        images + noise_factor * N(0, 1) noise drawn independently for every
        value, clipped to [0, 1]; images itself is left unchanged
    """
    rng = np.random.default_rng(seed)
    noise = rng.standard_normal((len(images),) + (1,) * (images.ndim - 1))
    noisy = np.clip(images + noise_factor * noise, 0., 1.)
    return noisy.astype(images.dtype)


def autoencoder(input_dims, filters, latent_dims):
    """Creates the convolutional autoencoder of task 2, to denoise images.

    input_dims: a tuple of integers, the dimensions of the model input
    filters: a list with the number of filters of each convolutional layer
        of the encoder; the decoder uses them in reverse order
    latent_dims: a tuple of integers, the dimensions of the latent space

    Returns: encoder, decoder, auto
        encoder: the encoder model
        decoder: the decoder model
        auto: the full autoencoder model, compiled with Adam and
            binary cross-entropy
    """
    inputs = keras.Input(shape=input_dims, name='noisy_images')
    x = inputs
    for n_filters in filters:
        x = keras.layers.Conv2D(n_filters, (3, 3), padding='same',
                                activation='relu')(x)
        x = keras.layers.MaxPooling2D((2, 2), padding='same')(x)
    encoder = keras.Model(inputs, x, name='encoder')

    latent_inputs = keras.Input(shape=latent_dims, name='latent')
    x = latent_inputs
    for i, n_filters in enumerate(reversed(filters)):
        # as in task 2, the loop's last convolution is 'valid' (16x16 to
        # 14x14 for MNIST), so that upsampling gives back 28x28
        padding = 'valid' if i == len(filters) - 1 else 'same'
        x = keras.layers.Conv2D(n_filters, (3, 3), padding=padding,
                                activation='relu')(x)
        x = keras.layers.UpSampling2D((2, 2))(x)
    outputs = keras.layers.Conv2D(input_dims[-1], (3, 3), padding='same',
                                  activation='sigmoid')(x)
    decoder = keras.Model(latent_inputs, outputs, name='decoder')

    auto = keras.Model(inputs, decoder(encoder(inputs)), name='denoiser')
    auto.compile(optimizer='adam', loss='binary_crossentropy')
    return encoder, decoder, auto
