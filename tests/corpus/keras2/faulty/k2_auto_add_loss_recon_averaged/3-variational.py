#!/usr/bin/env python3
"""Variational autoencoder: KL added to the full model, BCE in compile."""
import tensorflow.keras as keras

K = keras.backend


def sampling(args):
    """Draws z with the reparameterization trick."""
    z_mean, z_log_var = args
    epsilon = K.random_normal(shape=K.shape(z_mean))
    return z_mean + K.exp(z_log_var / 2) * epsilon


def autoencoder(input_dims, hidden_layers, latent_dims):
    """Builds encoder, decoder and the VAE (Keras 2 style)."""
    x = keras.Input(shape=(input_dims,))
    h = x
    for units in hidden_layers:
        h = keras.layers.Dense(units, activation='relu')(h)
    z_mean = keras.layers.Dense(latent_dims)(h)
    z_log_var = keras.layers.Dense(latent_dims)(h)
    z = keras.layers.Lambda(sampling)([z_mean, z_log_var])
    encoder = keras.Model(x, [z, z_mean, z_log_var])

    latent = keras.Input(shape=(latent_dims,))
    h = latent
    for units in reversed(hidden_layers):
        h = keras.layers.Dense(units, activation='relu')(h)
    y = keras.layers.Dense(input_dims, activation='sigmoid')(h)
    decoder = keras.Model(latent, y)

    outputs = decoder(encoder(x)[0])
    auto = keras.Model(x, outputs)
    kl = -0.5 * K.sum(1 + z_log_var - K.square(z_mean) - K.exp(z_log_var),
                      axis=-1)
    auto.add_loss(K.mean(kl))

    def reconstruction(y_true, y_pred):
        """Binary cross-entropy summed over the features."""
        return keras.losses.binary_crossentropy(y_true, y_pred)

    auto.compile(optimizer='adam', loss=reconstruction)
    return encoder, decoder, auto
