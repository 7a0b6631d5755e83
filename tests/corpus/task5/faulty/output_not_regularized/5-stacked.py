#!/usr/bin/env python3
"""Task 5: a stacked autoencoder (ELU, Xavier initialisation, L2)."""
import tensorflow.keras as keras


def autoencoder(input_dims, hidden_layers, l2_scale):
    """Creates a stacked autoencoder.

    input_dims: an integer, the dimensions of the model input
    hidden_layers: a list with the number of nodes of each hidden layer
        of the encoder, the last one being the codings (latent) layer;
        the decoder uses the others in reverse order
    l2_scale: the L2 regularization factor of every layer's kernel

    Returns: encoder, decoder, auto
        encoder: the encoder model
        decoder: the decoder model
        auto: the full autoencoder model, compiled with Adam and
            mean squared error
    """
    def dense(units, activation='elu', name=None):
        """A Dense layer with Xavier (Glorot uniform) initialisation and
        an L2 penalty on its kernel."""
        return keras.layers.Dense(
            units, activation=activation, name=name,
            kernel_initializer=keras.initializers.GlorotUniform(),
            kernel_regularizer=keras.regularizers.l2(l2_scale))

    inputs = keras.Input(shape=(input_dims,), name='image')
    x = inputs
    for i, units in enumerate(hidden_layers[:-1]):
        x = dense(units, name='encoder_hidden_{}'.format(i + 1))(x)
    codings = dense(hidden_layers[-1], name='codings')(x)
    encoder = keras.Model(inputs, codings, name='encoder')

    latent_inputs = keras.Input(shape=(hidden_layers[-1],), name='codes')
    x = latent_inputs
    for i, units in enumerate(reversed(hidden_layers[:-1])):
        x = dense(units, name='decoder_hidden_{}'.format(i + 1))(x)
    # The reconstruction is linear: no activation on the output layer
    outputs = keras.layers.Dense(input_dims, name='reconstruction')(x)
    decoder = keras.Model(latent_inputs, outputs, name='decoder')

    auto = keras.Model(inputs, decoder(encoder(inputs)), name='autoencoder')
    auto.compile(optimizer='adam', loss='mean_squared_error')
    return encoder, decoder, auto
