#!/usr/bin/env python3
"""Low-level autoencoder: one attribute per variable, a compiled step."""
import tensorflow as tf


class Autoencoder(tf.Module):
    """Two dense sigmoid layers each way, and a hand-written Adam."""

    def __init__(self, input_dims, hidden_dims, latent_dims, seed=0,
                 learning_rate=0.01):
        """Draws the initial values from a generator seeded with seed."""
        super().__init__(name='low_level')
        rng = tf.random.Generator.from_seed(seed)
        sizes = [input_dims, hidden_dims, latent_dims, hidden_dims,
                 input_dims]
        self.kernels = []
        self.biases = []
        for n_in, n_out in zip(sizes[:-1], sizes[1:]):
            self.kernels.append(tf.Variable(
                rng.normal([n_in, n_out], stddev=0.05)))
            self.biases.append(tf.Variable(rng.normal([n_out],
                                                      stddev=0.05)))
        self.lr = tf.constant(learning_rate, tf.float32)
        self.t = tf.Variable(0.0, trainable=False)
        params = self.kernels + self.biases
        self.m = [tf.Variable(tf.zeros(p.shape), trainable=False)
                  for p in params]
        self.v = [tf.Variable(tf.zeros(p.shape), trainable=False)
                  for p in params]

    @staticmethod
    def _layer(x, kernel, bias):
        """A dense layer with a sigmoid."""
        return tf.math.sigmoid(x @ kernel + bias)

    def encode(self, x):
        """The latent code of x."""
        for kernel, bias in zip(self.kernels[:2], self.biases[:2]):
            x = self._layer(x, kernel, bias)
        return x

    def __call__(self, x):
        """The reconstruction of x."""
        z = self.encode(x)
        for kernel, bias in zip(self.kernels[2:], self.biases[2:]):
            z = self._layer(z, kernel, bias)
        return z

    @tf.function
    def train_step(self, x):
        """Adam on the mean squared error."""
        x = tf.convert_to_tensor(x, tf.float32)
        params = self.kernels + self.biases
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean((self(x) - x) ** 2)
        grads = tape.gradient(loss, params)
        self.t.assign_add(1.0)
        step = self.lr * tf.sqrt(1 - 0.999 ** self.t) / (1 - 0.9 ** self.t)
        for p, g, m, v in zip(params, grads, self.m, self.v):
            m.assign(0.9 * m + 0.1 * g)
            v.assign(0.999 * v + 0.001 * g * g)
            p.assign_sub(step * m / (tf.sqrt(v) + 1e-7))
        return loss
