#!/usr/bin/env python3
"""0. "Vanilla" Autoencoder"""
import tensorflow.keras as keras


def autoencoder(input_dims, hidden_layers, latent_dims):
    """creates an autoencoder with named layers"""
    enc_in = keras.Input(shape=(input_dims,), name='encoder_input')
    out = enc_in
    for idx, n_nodes in enumerate(hidden_layers):
        out = keras.layers.Dense(n_nodes, activation='relu',
                                 name='enc_hidden_{}'.format(idx))(out)
    out = keras.layers.Dense(latent_dims, activation='relu',
                             name='latent')(out)
    encoder = keras.Model(enc_in, out, name='encoder')

    dec_in = keras.Input(shape=(latent_dims,), name='decoder_input')
    out = dec_in
    for idx, n_nodes in enumerate(reversed(hidden_layers)):
        out = keras.layers.Dense(n_nodes, activation='relu',
                                 name='dec_hidden_{}'.format(idx))(out)
    out = keras.layers.Dense(input_dims, activation='sigmoid',
                             name='reconstruction')(out)
    decoder = keras.Model(dec_in, out, name='decoder')

    auto = keras.Model(enc_in, decoder(encoder(enc_in)), name='autoencoder')
    auto.compile(optimizer='adam', loss='binary_crossentropy')
    return encoder, decoder, auto
