#!/usr/bin/env python3
"""VAE that adds the KL term with add_loss on the functional model."""
import tensorflow.keras as keras

K = keras.backend


class Sampling(keras.layers.Layer):
    """Draws z = mean + exp(log_var / 2) * epsilon."""

    def call(self, inputs):
        """Returns z."""
        mean, log_var = inputs
        epsilon = K.random_normal(K.shape(mean))
        return mean + K.exp(log_var / 2) * epsilon


def autoencoder(input_dims, hidden_layers, latent_dims):
    """Returns encoder, decoder and the compiled VAE."""
    inputs = keras.Input(shape=(input_dims,))
    x = inputs
    for units in hidden_layers:
        x = keras.layers.Dense(units, activation='relu')(x)
    mean = keras.layers.Dense(latent_dims)(x)
    log_var = keras.layers.Dense(latent_dims)(x)
    z = Sampling()([mean, log_var])
    encoder = keras.Model(inputs, [z, mean, log_var])

    latent_inputs = keras.Input(shape=(latent_dims,))
    x = latent_inputs
    for units in reversed(hidden_layers):
        x = keras.layers.Dense(units, activation='relu')(x)
    outputs = keras.layers.Dense(input_dims, activation='sigmoid')(x)
    decoder = keras.Model(latent_inputs, outputs)
    decoded = decoder(encoder(inputs)[0])
    auto = keras.Model(inputs, decoded)

    recon = K.sum(K.binary_crossentropy(inputs, decoded), axis=-1)
    kl = -0.5 * K.sum(1 + log_var - K.square(mean) - K.exp(log_var),
                      axis=-1)
    auto.add_loss(K.mean(recon + kl))
    auto.compile(optimizer='adam')
    return encoder, decoder, auto
