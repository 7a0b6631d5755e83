#!/usr/bin/env python3
"""Task 1: a sparse autoencoder (L1 penalty on the encoded output)."""
import tensorflow.keras as keras


def autoencoder(input_dims, hidden_layers, latent_dims, lambtha):
    """Creates a sparse autoencoder.

    input_dims: an integer, the dimensions of the model input
    hidden_layers: a list with the number of nodes of each hidden layer
        of the encoder; the decoder uses them in reverse order
    latent_dims: an integer, the dimensions of the latent space
    lambtha: the L1 regularization parameter applied to the encoded output

    Returns: encoder, decoder, auto
        encoder: the encoder model
        decoder: the decoder model
        auto: the sparse autoencoder model, compiled with Adam and
            binary cross-entropy
    """
    inputs = keras.Input(shape=(input_dims,))
    x = inputs
    for units in hidden_layers:
        x = keras.layers.Dense(units, activation='relu')(x)
    sparsity = keras.regularizers.l1(lambtha)
    latent = keras.layers.Dense(latent_dims, activation='relu',
                                name='latent')(x)
    encoder = keras.Model(inputs, latent, name='encoder')

    latent_inputs = keras.Input(shape=(latent_dims,))
    x = latent_inputs
    for units in reversed(hidden_layers):
        x = keras.layers.Dense(units, activation='relu')(x)
    outputs = keras.layers.Dense(
        input_dims, activation='sigmoid',
        activity_regularizer=keras.regularizers.l1(lambtha),
        name='reconstruction')(x)
    decoder = keras.Model(latent_inputs, outputs, name='decoder')

    auto = keras.Model(inputs, decoder(encoder(inputs)),
                       name='sparse_autoencoder')
    auto.compile(optimizer='adam', loss='binary_crossentropy')
    return encoder, decoder, auto
