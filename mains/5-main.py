#!/usr/bin/env python3
"""Going further, task 5: trains the stacked autoencoder on CIFAR-10's
horses in grayscale (1,024 inputs), as the tutorial does."""
import numpy as np
from main_support import (import_task, load_cifar10, parse_args, pyplot,
                          save_and_show, seed_everything)

HORSE = 7  # CIFAR-10's label of the horses


def grayscale(images):
    """(n, 32, 32, 3) colour images -> (n, 1024) grays in [0, 1]."""
    gray = images.astype('float32').mean(axis=-1) / 255.
    return gray.reshape((len(images), -1))


args = parse_args('5-stacked', epochs=100, dataset='CIFAR-10')
(x_train, y_train), (x_test, y_test) = load_cifar10(args)
plt = pyplot()
autoencoder = import_task('5-stacked', args).autoencoder

x_train = grayscale(x_train[y_train.ravel() == HORSE])
x_test = grayscale(x_test[y_test.ravel() == HORSE])
print(x_train.shape)
seed_everything(0)
encoder, decoder, auto = autoencoder(1024, [300, 150], 1e-4)
auto.fit(x_train, x_train, epochs=args.epochs, batch_size=150, shuffle=True,
         validation_data=(x_test, x_test))
reconstructed = decoder.predict(encoder.predict(x_test[:10]))
print(np.mean(np.square(reconstructed - x_test[:10])))

plt.figure(figsize=(6.4, 4.8), dpi=100)
for i in range(min(10, len(x_test))):
    ax = plt.subplot(2, 10, i + 1)
    ax.axis('off')
    plt.imshow(x_test[i].reshape((32, 32)), cmap='Greys_r', vmin=0, vmax=1)
    ax = plt.subplot(2, 10, i + 11)
    ax.axis('off')
    plt.imshow(reconstructed[i].reshape((32, 32)), cmap='Greys_r', vmin=0,
               vmax=1)
save_and_show(plt, args, '5-main.png')
