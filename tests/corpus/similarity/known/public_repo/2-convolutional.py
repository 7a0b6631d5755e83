#!/usr/bin/env python3
"""
Convolutional Autoencoder
"""
import tensorflow.keras as keras


def autoencoder(input_dims, filters, latent_dims):
    """
    Creates a convolutional autoencoder
    :param input_dims: tuple of integers containing the dimensions of the
        model input
    :param filters: list containing the number of filters for each
        convolutional layer in the encoder, respectively
    :param latent_dims: tuple of integers containing the dimensions of the
        latent space representation
    :return: encoder, decoder, auto
    """
    encoder_inputs = keras.Input(shape=input_dims)
    for idx, n_filters in enumerate(filters):
        layer = keras.layers.Conv2D(filters=n_filters, kernel_size=3,
                                    padding="same", activation="relu")
        if idx == 0:
            outputs = layer(encoder_inputs)
        else:
            outputs = layer(outputs)
        layer = keras.layers.MaxPool2D(pool_size=(2, 2), padding="same")
        outputs = layer(outputs)
    encoder = keras.models.Model(inputs=encoder_inputs, outputs=outputs)

    decoder_inputs = keras.Input(shape=latent_dims)
    for idx, n_filters in enumerate(reversed(filters)):
        if idx != len(filters) - 1:
            layer = keras.layers.Conv2D(filters=n_filters, kernel_size=3,
                                        padding="same", activation="relu")
        else:
            layer = keras.layers.Conv2D(filters=n_filters, kernel_size=3,
                                        padding="valid", activation="relu")
        if idx == 0:
            outputs = layer(decoder_inputs)
        else:
            outputs = layer(outputs)
        layer = keras.layers.UpSampling2D(size=(2, 2))
        outputs = layer(outputs)
    layer = keras.layers.Conv2D(filters=input_dims[-1], kernel_size=3,
                                padding="same", activation="sigmoid")
    outputs = layer(outputs)
    decoder = keras.models.Model(inputs=decoder_inputs, outputs=outputs)

    outputs = encoder(encoder_inputs)
    outputs = decoder(outputs)
    auto = keras.models.Model(inputs=encoder_inputs, outputs=outputs)
    auto.compile(optimizer="Adam", loss="binary_crossentropy")
    return encoder, decoder, auto
