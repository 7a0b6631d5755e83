#!/usr/bin/env python3
"""Convolutional autoencoder with named layers and Keras objects."""
import tensorflow.keras as keras


def autoencoder(input_dims, filters, latent_dims):
    """Returns encoder, decoder and the compiled autoencoder."""
    image = keras.layers.Input(shape=input_dims, name='image')
    x = image
    for i, f in enumerate(filters):
        x = keras.layers.Conv2D(filters=f, kernel_size=(3, 3),
                                strides=(1, 1), padding='same',
                                activation=keras.activations.relu,
                                name='conv_{}'.format(i))(x)
        x = keras.layers.MaxPooling2D(pool_size=(2, 2), padding='same',
                                      name='pool_{}'.format(i))(x)
    encoder = keras.Model(image, x, name='encoder')
    code = keras.layers.Input(shape=latent_dims, name='code')
    y = code
    last = len(filters) - 1
    for i, f in enumerate(reversed(filters)):
        y = keras.layers.Conv2D(filters=f, kernel_size=(3, 3),
                                padding='valid' if i == last else 'same',
                                activation=keras.activations.relu,
                                name='deconv_{}'.format(i))(y)
        y = keras.layers.UpSampling2D(size=(2, 2),
                                      name='up_{}'.format(i))(y)
    y = keras.layers.Conv2D(filters=input_dims[2], kernel_size=(3, 3),
                            padding='same',
                            activation=keras.activations.sigmoid,
                            name='output')(y)
    decoder = keras.Model(code, y, name='decoder')
    auto = keras.Model(image, decoder(encoder(image)), name='autoencoder')
    auto.compile(optimizer=keras.optimizers.Adam(),
                 loss=keras.losses.BinaryCrossentropy())
    return encoder, decoder, auto
