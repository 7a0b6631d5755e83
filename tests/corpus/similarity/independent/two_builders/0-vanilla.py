#!/usr/bin/env python3
"""Vanilla autoencoder made of two builder functions"""
import tensorflow.keras as keras


def build_encoder(input_dims, hidden_layers, latent_dims):
    """The encoder: input -> hidden layers -> latent"""
    inputs = keras.Input(shape=(input_dims,))
    x = inputs
    for n in hidden_layers:
        x = keras.layers.Dense(n, activation='relu')(x)
    latent = keras.layers.Dense(latent_dims, activation='relu')(x)
    return keras.Model(inputs, latent, name='encoder')


def build_decoder(input_dims, hidden_layers, latent_dims):
    """The decoder: latent -> hidden layers reversed -> output"""
    latent = keras.Input(shape=(latent_dims,))
    x = latent
    for n in reversed(hidden_layers):
        x = keras.layers.Dense(n, activation='relu')(x)
    output = keras.layers.Dense(input_dims, activation='sigmoid')(x)
    return keras.Model(latent, output, name='decoder')


def autoencoder(input_dims, hidden_layers, latent_dims):
    """encoder, decoder and the compiled autoencoder"""
    encoder = build_encoder(input_dims, hidden_layers, latent_dims)
    decoder = build_decoder(input_dims, hidden_layers, latent_dims)
    inputs = keras.Input(shape=(input_dims,))
    auto = keras.Model(inputs, decoder(encoder(inputs)), name='auto')
    auto.compile(optimizer='adam', loss='binary_crossentropy')
    return encoder, decoder, auto
