#!/usr/bin/env python3
"""
Vanilla Autoencoder
"""
import tensorflow.keras as keras


def autoencoder(input_dims, hidden_layers, latent_dims):
    """
    Creates an autoencoder
    :param input_dims: integer containing the dimensions of the model input
    :param hidden_layers: list containing the number of nodes for each
        hidden layer in the encoder, respectively
    :param latent_dims: integer containing the dimensions of the latent
        space representation
    :return: encoder, decoder, auto
    """
    encoder_inputs = keras.Input(shape=(input_dims,))
    for idx, units in enumerate(hidden_layers):
        layer = keras.layers.Dense(units=units, activation="relu")
        if idx == 0:
            outputs = layer(encoder_inputs)
        else:
            outputs = layer(outputs)
    layer = keras.layers.Dense(units=latent_dims, activation="relu")
    latent = layer(outputs)
    encoder = keras.models.Model(inputs=encoder_inputs, outputs=latent)

    decoder_inputs = keras.Input(shape=(latent_dims,))
    for idx, units in enumerate(reversed(hidden_layers)):
        layer = keras.layers.Dense(units=units, activation="relu")
        if idx == 0:
            outputs = layer(decoder_inputs)
        else:
            outputs = layer(outputs)
    layer = keras.layers.Dense(units=input_dims, activation="sigmoid")
    outputs = layer(outputs)
    decoder = keras.models.Model(inputs=decoder_inputs, outputs=outputs)

    outputs = encoder(encoder_inputs)
    outputs = decoder(outputs)
    auto = keras.models.Model(inputs=encoder_inputs, outputs=outputs)
    auto.compile(optimizer="Adam", loss="binary_crossentropy")
    return encoder, decoder, auto
