#!/usr/bin/env python3
"""Low-level autoencoder in the tutorial's style, with Keras's Adam."""
import tensorflow as tf


class Autoencoder(tf.Module):
    """Weights and biases in dictionaries, as in the tutorial."""

    def __init__(self, input_dims, hidden_dims, latent_dims, seed=0,
                 learning_rate=0.01):
        """Creates the variables and the optimizer."""
        super().__init__()
        shapes = {
            'encoder_h1': [input_dims, hidden_dims],
            'encoder_h2': [hidden_dims, latent_dims],
            'decoder_h1': [latent_dims, hidden_dims],
            'decoder_h2': [hidden_dims, input_dims],
            'encoder_b1': [hidden_dims],
            'encoder_b2': [latent_dims],
            'decoder_b1': [hidden_dims],
            'decoder_b2': [input_dims],
        }
        values = {}
        for i, (name, shape) in enumerate(shapes.items()):
            values[name] = tf.Variable(tf.random.stateless_normal(
                shape, seed=[seed, i], stddev=0.05), name=name)
        self.weights = {k: v for k, v in values.items() if '_h' in k}
        self.biases = {k: v for k, v in values.items() if '_b' in k}
        self.optimizer = tf.keras.optimizers.Adam(
            learning_rate=learning_rate)

    def encode(self, x):
        """Encoder: two sigmoid layers."""
        h = tf.nn.sigmoid(tf.add(tf.matmul(x, self.weights['encoder_h1']),
                                 self.biases['encoder_b1']))
        return tf.nn.sigmoid(tf.add(tf.matmul(h, self.weights['encoder_h2']),
                                    self.biases['encoder_b2']))

    def decode(self, z):
        """Decoder: two sigmoid layers."""
        h = tf.nn.sigmoid(tf.add(tf.matmul(z, self.weights['decoder_h1']),
                                 self.biases['decoder_b1']))
        return tf.nn.sigmoid(tf.add(tf.matmul(h, self.weights['decoder_h2']),
                                    self.biases['decoder_b2']))

    def __call__(self, x):
        """Reconstruction."""
        return self.decode(self.encode(x))

    def train_step(self, x):
        """One optimisation step; returns the loss."""
        with tf.GradientTape() as g:
            loss = tf.reduce_mean(tf.pow(x - self.decode(self.encode(x)), 2))
        trainable = list(self.weights.values()) + list(self.biases.values())
        gradients = g.gradient(loss, trainable)
        self.optimizer.apply_gradients(zip(gradients, trainable))
        return loss
