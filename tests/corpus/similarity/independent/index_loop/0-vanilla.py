#!/usr/bin/env python3
"""Creates an autoencoder"""
import tensorflow.keras as keras


def autoencoder(input_dims, hidden_layers, latent_dims):
    """
    input_dims: integer containing the dimensions of the model input
    hidden_layers: list containing the number of nodes for each hidden layer
    latent_dims: integer containing the dimensions of the latent space
    Returns: encoder, decoder, auto
    """
    X_input = keras.Input(shape=(input_dims,))
    hidden = keras.layers.Dense(hidden_layers[0],
                                activation='relu')(X_input)
    for i in range(1, len(hidden_layers)):
        hidden = keras.layers.Dense(hidden_layers[i],
                                    activation='relu')(hidden)
    latent = keras.layers.Dense(latent_dims, activation='relu')(hidden)
    encoder = keras.models.Model(X_input, latent)

    X_decode = keras.Input(shape=(latent_dims,))
    hidden_d = keras.layers.Dense(hidden_layers[-1],
                                  activation='relu')(X_decode)
    for j in range(len(hidden_layers) - 2, -1, -1):
        hidden_d = keras.layers.Dense(hidden_layers[j],
                                      activation='relu')(hidden_d)
    output = keras.layers.Dense(input_dims, activation='sigmoid')(hidden_d)
    decoder = keras.models.Model(X_decode, output)

    X_input2 = keras.Input(shape=(input_dims,))
    code = encoder(X_input2)
    rebuilt = decoder(code)
    auto = keras.models.Model(X_input2, rebuilt)
    auto.compile(loss='binary_crossentropy', optimizer='adam')
    return encoder, decoder, auto
