#!/usr/bin/env python3
"""Vanilla autoencoder written as subclassed models."""
import tensorflow.keras as keras


class Stack(keras.Model):
    """Dense layers applied one after the other."""

    def __init__(self, sizes, last_activation):
        """Creates one Dense layer per size."""
        super().__init__()
        self.blocks = [keras.layers.Dense(n, activation='relu')
                       for n in sizes[:-1]]
        self.blocks.append(keras.layers.Dense(sizes[-1],
                                              activation=last_activation))

    def call(self, x):
        """Runs the layers in order."""
        for block in self.blocks:
            x = block(x)
        return x


class Auto(keras.Model):
    """The encoder followed by the decoder."""

    def __init__(self, encoder, decoder):
        """Keeps both parts."""
        super().__init__()
        self.encoder = encoder
        self.decoder = decoder

    def call(self, x):
        """Encodes, then decodes."""
        return self.decoder(self.encoder(x))


def autoencoder(input_dims, hidden_layers, latent_dims):
    """Returns encoder, decoder and the compiled autoencoder."""
    encoder = Stack(list(hidden_layers) + [latent_dims], 'relu')
    decoder = Stack(list(hidden_layers[::-1]) + [input_dims], 'sigmoid')
    auto = Auto(encoder, decoder)
    auto.build((None, input_dims))
    auto.compile(optimizer='adam', loss='binary_crossentropy')
    return encoder, decoder, auto
