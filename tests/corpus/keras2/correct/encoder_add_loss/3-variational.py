#!/usr/bin/env python3
"""Variational autoencoder: KL added to the encoder, BCE in compile."""
import tensorflow.keras as keras

K = keras.backend


def sampling(args):
    """Draws z with the reparameterization trick."""
    z_mean, z_log_var = args
    epsilon = K.random_normal(shape=K.shape(z_mean), mean=0.0, stddev=1.0)
    return z_mean + K.exp(0.5 * z_log_var) * epsilon


def autoencoder(input_dims, hidden_layers, latent_dims):
    """Builds encoder, decoder and the VAE (Keras 2 style)."""
    x = keras.Input(shape=(input_dims,))
    h = x
    for units in hidden_layers:
        h = keras.layers.Dense(units, activation='relu')(h)
    z_mean = keras.layers.Dense(latent_dims, activation=None)(h)
    z_log_var = keras.layers.Dense(latent_dims, activation=None)(h)
    z = keras.layers.Lambda(sampling)([z_mean, z_log_var])
    encoder = keras.Model(inputs=x, outputs=[z, z_mean, z_log_var])
    kl = 1 + z_log_var - K.square(z_mean) - K.exp(z_log_var)
    encoder.add_loss(-0.5 * K.mean(K.sum(kl, axis=1)))

    latent = keras.Input(shape=(latent_dims,))
    h = latent
    for units in reversed(hidden_layers):
        h = keras.layers.Dense(units, activation='relu')(h)
    y = keras.layers.Dense(input_dims, activation='sigmoid')(h)
    decoder = keras.Model(inputs=latent, outputs=y)

    auto = keras.Model(inputs=x, outputs=decoder(encoder(x)[0]))

    def reconstruction(y_true, y_pred):
        """Binary cross-entropy summed over the features."""
        return K.sum(K.binary_crossentropy(y_true, y_pred), axis=-1)

    auto.compile(optimizer=keras.optimizers.Adam(), loss=reconstruction)
    return encoder, decoder, auto
