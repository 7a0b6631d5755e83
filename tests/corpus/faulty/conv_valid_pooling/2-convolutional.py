#!/usr/bin/env python3
"""Task 2: a convolutional autoencoder."""
import tensorflow.keras as keras


def autoencoder(input_dims, filters, latent_dims):
    """Creates a convolutional autoencoder.

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
    inputs = keras.Input(shape=input_dims)
    x = inputs
    for n_filters in filters:
        x = keras.layers.Conv2D(n_filters, (3, 3), padding='same',
                                activation='relu')(x)
        x = keras.layers.MaxPooling2D((2, 2), padding='valid')(x)
    encoder = keras.Model(inputs, x, name='encoder')

    latent_inputs = keras.Input(shape=latent_dims)
    x = latent_inputs
    for i, n_filters in enumerate(reversed(filters)):
        # The course requires 'valid' padding on the second-to-last
        # convolution (the last one of this loop): with (28, 28, 1) and
        # [16, 8, 8] it takes 16x16 to 14x14, which the upsampling
        # doubles back to 28x28; 'same' padding would end at 32x32.
        padding = 'valid' if i == len(filters) - 1 else 'same'
        x = keras.layers.Conv2D(n_filters, (3, 3), padding=padding,
                                activation='relu')(x)
        x = keras.layers.UpSampling2D((2, 2))(x)
    outputs = keras.layers.Conv2D(input_dims[-1], (3, 3), padding='same',
                                  activation='sigmoid',
                                  name='reconstruction')(x)
    decoder = keras.Model(latent_inputs, outputs, name='decoder')

    auto = keras.Model(inputs, decoder(encoder(inputs)),
                       name='convolutional_autoencoder')
    auto.compile(optimizer='adam', loss='binary_crossentropy')
    return encoder, decoder, auto
