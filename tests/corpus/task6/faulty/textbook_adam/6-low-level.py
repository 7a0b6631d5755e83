#!/usr/bin/env python3
"""Task 6: a low-level autoencoder, TensorFlow without Keras."""
import tensorflow as tf

# Adam's constants, as tf.keras.optimizers.Adam has them.
BETA_1 = 0.9
BETA_2 = 0.999
EPSILON = 1e-7


class Autoencoder(tf.Module):
    """A two-layer encoder and decoder made of tf.Variables, trained with
    Adam on the mean squared reconstruction error."""

    def __init__(self, input_dims, hidden_dims, latent_dims, seed=0,
                 learning_rate=0.01):
        """Creates the variables.

        input_dims: an integer, the size of an input
        hidden_dims: an integer, the size of the hidden layer of the
            encoder and of the decoder
        latent_dims: an integer, the size of the latent representation
        seed: an integer, the seed of the initial values: every weight
            and bias is drawn from a normal distribution with mean 0 and
            standard deviation 0.05
        learning_rate: a float, Adam's learning rate
        """
        super().__init__(name='autoencoder')
        generator = tf.random.Generator.from_seed(seed)

        def random_normal(shape):
            """Initial values drawn from N(0, 0.05^2), as RandomNormal."""
            return generator.normal(shape, mean=0.0, stddev=0.05)

        self.weights = {
            'encoder_h1': tf.Variable(random_normal([input_dims,
                                                     hidden_dims])),
            'encoder_h2': tf.Variable(random_normal([hidden_dims,
                                                     latent_dims])),
            'decoder_h1': tf.Variable(random_normal([latent_dims,
                                                     hidden_dims])),
            'decoder_h2': tf.Variable(random_normal([hidden_dims,
                                                     input_dims])),
        }
        self.biases = {
            'encoder_b1': tf.Variable(random_normal([hidden_dims])),
            'encoder_b2': tf.Variable(random_normal([latent_dims])),
            'decoder_b1': tf.Variable(random_normal([hidden_dims])),
            'decoder_b2': tf.Variable(random_normal([input_dims])),
        }
        self.learning_rate = learning_rate
        # Adam's state: its step count and two moments per variable.
        self.step = tf.Variable(0.0, trainable=False)
        self.moments = [(tf.Variable(tf.zeros_like(v), trainable=False),
                         tf.Variable(tf.zeros_like(v), trainable=False))
                        for v in self.trainable_variables]

    def encode(self, x):
        """Returns the latent representation of the inputs x."""
        layer_1 = tf.nn.sigmoid(tf.matmul(x, self.weights['encoder_h1'])
                                + self.biases['encoder_b1'])
        return tf.nn.sigmoid(tf.matmul(layer_1, self.weights['encoder_h2'])
                             + self.biases['encoder_b2'])

    def decode(self, z):
        """Returns the reconstructions of the latent representations z."""
        layer_1 = tf.nn.sigmoid(tf.matmul(z, self.weights['decoder_h1'])
                                + self.biases['decoder_b1'])
        return tf.nn.sigmoid(tf.matmul(layer_1, self.weights['decoder_h2'])
                             + self.biases['decoder_b2'])

    def __call__(self, x):
        """Returns the reconstructions of the inputs x."""
        return self.decode(self.encode(x))

    def train_step(self, x):
        """Makes one Adam step on the mean squared error of the batch x
        and returns that error (before the step)."""
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean(tf.square(x - self(x)))
        variables = self.trainable_variables
        gradients = tape.gradient(loss, variables)
        # Adam's update, as tf.keras.optimizers.Adam makes it.
        self.step.assign_add(1.0)
        rate = (self.learning_rate * tf.sqrt(1.0 - BETA_2 ** self.step)
                / (1.0 - BETA_1 ** self.step))
        for variable, gradient, (m, v) in zip(variables, gradients,
                                              self.moments):
            m.assign_add((gradient - m) * (1.0 - BETA_1))
            v.assign_add((tf.square(gradient) - v) * (1.0 - BETA_2))
            m_hat = m / (1.0 - BETA_1 ** self.step)
            v_hat = v / (1.0 - BETA_2 ** self.step)
            variable.assign_sub(self.learning_rate * m_hat
                                / (tf.sqrt(v_hat) + EPSILON))
        return loss
