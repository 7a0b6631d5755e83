#!/usr/bin/env python3
"""Creates a convolutional autoencoder"""
import tensorflow.keras as keras


def autoencoder(input_dims, filters, latent_dims):
    """
    input_dims: tuple of integers containing the dimensions of the input
    filters: list with the number of filters for each convolution
    latent_dims: tuple of integers with the dimensions of the latent space
    Returns: encoder, decoder, auto
    """
    X_input = keras.Input(shape=input_dims)
    conv = X_input
    for i in range(len(filters)):
        conv = keras.layers.Conv2D(filters[i], kernel_size=(3, 3),
                                   padding='same', activation='relu')(conv)
        conv = keras.layers.MaxPool2D(pool_size=(2, 2),
                                      padding='same')(conv)
    encoder = keras.models.Model(X_input, conv)

    X_decode = keras.Input(shape=latent_dims)
    deconv = X_decode
    for j in range(len(filters) - 1, -1, -1):
        pad = 'valid' if j == 0 else 'same'
        deconv = keras.layers.Conv2D(filters[j], kernel_size=(3, 3),
                                     padding=pad, activation='relu')(deconv)
        deconv = keras.layers.UpSampling2D(size=(2, 2))(deconv)
    output = keras.layers.Conv2D(input_dims[2], kernel_size=(3, 3),
                                 padding='same',
                                 activation='sigmoid')(deconv)
    decoder = keras.models.Model(X_decode, output)

    X_input2 = keras.Input(shape=input_dims)
    auto = keras.models.Model(X_input2, decoder(encoder(X_input2)))
    auto.compile(loss='binary_crossentropy', optimizer='adam')
    return encoder, decoder, auto
