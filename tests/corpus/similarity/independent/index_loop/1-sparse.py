#!/usr/bin/env python3
"""Creates a sparse autoencoder"""
import tensorflow.keras as keras


def autoencoder(input_dims, hidden_layers, latent_dims, lambtha):
    """
    input_dims: integer containing the dimensions of the model input
    hidden_layers: list containing the number of nodes for each hidden layer
    latent_dims: integer containing the dimensions of the latent space
    lambtha: the regularization parameter used for L1 on the encoded output
    Returns: encoder, decoder, auto
    """
    X_input = keras.Input(shape=(input_dims,))
    hidden = keras.layers.Dense(hidden_layers[0],
                                activation='relu')(X_input)
    for i in range(1, len(hidden_layers)):
        hidden = keras.layers.Dense(hidden_layers[i],
                                    activation='relu')(hidden)
    l1 = keras.regularizers.L1(lambtha)
    latent = keras.layers.Dense(latent_dims, activation='relu',
                                activity_regularizer=l1)(hidden)
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
    auto = keras.models.Model(X_input2, decoder(encoder(X_input2)))
    auto.compile(loss='binary_crossentropy', optimizer='adam')
    return encoder, decoder, auto
