#!/usr/bin/env python3
"""Sparse autoencoder in the Keras 2 tutorial style."""
import tensorflow.keras as keras


def autoencoder(input_dims, hidden_layers, latent_dims, lambtha):
    """Returns encoder, decoder and the compiled sparse autoencoder."""
    Dense = keras.layers.Dense
    input_img = keras.layers.Input(shape=(input_dims,))
    encoded = input_img
    for nodes in hidden_layers:
        encoded = Dense(nodes, activation='relu')(encoded)
    encoded = Dense(latent_dims, activation='relu',
                    activity_regularizer=keras.regularizers.L1(lambtha))(
                        encoded)
    encoder = keras.models.Model(input_img, encoded)
    latent = keras.layers.Input(shape=(latent_dims,))
    decoded = latent
    for nodes in hidden_layers[::-1]:
        decoded = Dense(nodes, activation='relu')(decoded)
    decoded = Dense(input_dims, activation='sigmoid')(decoded)
    decoder = keras.models.Model(latent, decoded)
    auto = keras.models.Model(input_img, decoder(encoder(input_img)))
    auto.compile(optimizer=keras.optimizers.Adam(),
                 loss=keras.losses.binary_crossentropy)
    return encoder, decoder, auto
