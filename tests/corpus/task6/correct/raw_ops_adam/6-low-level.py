#!/usr/bin/env python3
"""Low-level autoencoder trained with TensorFlow's own Adam kernel."""
import tensorflow as tf


class Autoencoder(tf.Module):
    """Encoder and decoder as lists of (weight, bias) pairs."""

    def __init__(self, input_dims, hidden_dims, latent_dims, seed=0,
                 learning_rate=0.01):
        """Variables from stateless normal draws."""
        super().__init__()

        def draw(shape, i):
            """N(0, 0.05^2) values for the i-th variable."""
            return tf.Variable(tf.random.stateless_normal(
                shape, [seed, i], stddev=0.05))

        self.encoder = [(draw([input_dims, hidden_dims], 0),
                         draw([hidden_dims], 1)),
                        (draw([hidden_dims, latent_dims], 2),
                         draw([latent_dims], 3))]
        self.decoder = [(draw([latent_dims, hidden_dims], 4),
                         draw([hidden_dims], 5)),
                        (draw([hidden_dims, input_dims], 6),
                         draw([input_dims], 7))]
        self.learning_rate = learning_rate
        self.slots = [(tf.Variable(tf.zeros_like(var), trainable=False),
                       tf.Variable(tf.zeros_like(var), trainable=False))
                      for var in self.trainable_variables]
        self.iterations = tf.Variable(0.0, trainable=False)

    @staticmethod
    def run(layers, x):
        """Applies sigmoid(x W + b) for each layer."""
        for w, b in layers:
            x = tf.sigmoid(tf.linalg.matmul(x, w) + b)
        return x

    def encode(self, x):
        """Encodes x."""
        return self.run(self.encoder, x)

    def __call__(self, x):
        """Decodes the encoding of x."""
        return self.run(self.decoder, self.encode(x))

    def train_step(self, x):
        """One Adam step (tf.raw_ops.ResourceApplyAdam)."""
        with tf.GradientTape() as tape:
            error = tf.math.squared_difference(self(x), x)
            loss = tf.reduce_mean(error)
        variables = self.trainable_variables
        grads = tape.gradient(loss, variables)
        self.iterations.assign_add(1.0)
        for var, grad, (m, v) in zip(variables, grads, self.slots):
            tf.raw_ops.ResourceApplyAdam(
                var=var.handle, m=m.handle, v=v.handle,
                beta1_power=0.9 ** self.iterations,
                beta2_power=0.999 ** self.iterations,
                lr=tf.constant(self.learning_rate, tf.float32),
                beta1=tf.constant(0.9), beta2=tf.constant(0.999),
                epsilon=tf.constant(1e-7), grad=grad)
        return loss
