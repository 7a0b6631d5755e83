#!/usr/bin/env python3
"""Variational autoencoder written as subclassed models."""
import tensorflow.keras as keras


class Encoder(keras.Model):
    """Maps inputs to [z, mean, log_var]."""

    def __init__(self, hidden_layers, latent_dims):
        """Creates the hidden layers and the two heads."""
        super().__init__()
        self.hidden = [keras.layers.Dense(n, activation='relu')
                       for n in hidden_layers]
        self.mean = keras.layers.Dense(latent_dims)
        self.log_var = keras.layers.Dense(latent_dims)

    def call(self, x):
        """Returns a sample, the mean and the log variance."""
        for layer in self.hidden:
            x = layer(x)
        mean, log_var = self.mean(x), self.log_var(x)
        eps = keras.backend.random_normal(keras.backend.shape(mean))
        return [mean + keras.backend.exp(log_var / 2) * eps, mean, log_var]


class Decoder(keras.Model):
    """Maps latent vectors back to inputs."""

    def __init__(self, hidden_layers, input_dims):
        """Creates the decoder's layers."""
        super().__init__()
        self.hidden = [keras.layers.Dense(n, activation='relu')
                       for n in reversed(hidden_layers)]
        self.out = keras.layers.Dense(input_dims, activation='sigmoid')

    def call(self, z):
        """Decodes z."""
        for layer in self.hidden:
            z = layer(z)
        return self.out(z)


class VAE(keras.Model):
    """Encoder, sampling and decoder, with the KL term as a loss."""

    def __init__(self, encoder, decoder):
        """Keeps both parts."""
        super().__init__()
        self.encoder = encoder
        self.decoder = decoder

    def call(self, x):
        """Adds the KL divergence and returns the reconstruction."""
        z, mean, log_var = self.encoder(x)
        kl = -0.5 * keras.backend.sum(
            1 + log_var - keras.backend.square(mean)
            - keras.backend.exp(log_var), axis=-1)
        self.add_loss(keras.backend.mean(kl))
        return self.decoder(z)


def autoencoder(input_dims, hidden_layers, latent_dims):
    """Returns encoder, decoder and the compiled VAE."""
    encoder = Encoder(hidden_layers, latent_dims)
    decoder = Decoder(hidden_layers, input_dims)
    auto = VAE(encoder, decoder)

    def reconstruction(x, x_hat):
        """Binary cross-entropy summed over the features."""
        return keras.losses.binary_crossentropy(x, x_hat) * input_dims

    auto.compile(optimizer='adam', loss=reconstruction)
    return encoder, decoder, auto
