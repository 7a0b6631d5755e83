#!/usr/bin/env python3
"""Course main for task 3: trains the variational autoencoder on MNIST."""
import numpy as np
from main_support import (import_task, load_mnist, parse_args, pyplot,
                          save_and_show, seed_everything)

args = parse_args('3-variational', epochs=50)
plt = pyplot()
autoencoder = import_task('3-variational', args).autoencoder

(x_train, _), (x_test, _) = load_mnist(args)
x_train = x_train.astype('float32') / 255.
x_test = x_test.astype('float32') / 255.
x_train = x_train.reshape((-1, 784))
x_test = x_test.reshape((-1, 784))
seed_everything(0)
encoder, decoder, auto = autoencoder(784, [512], 2)
auto.fit(x_train, x_train, epochs=args.epochs, batch_size=256, shuffle=True,
         validation_data=(x_test, x_test))
encoded, mu, log_sig = encoder.predict(x_test[:10])
print(mu)
print(np.exp(log_sig / 2))
reconstructed = decoder.predict(encoded).reshape((-1, 28, 28))
x_test = x_test.reshape((-1, 28, 28))

plt.figure(figsize=(6.4, 4.8), dpi=100)
for i in range(10):
    ax = plt.subplot(2, 10, i + 1)
    ax.axis('off')
    plt.imshow(x_test[i])
    ax = plt.subplot(2, 10, i + 11)
    ax.axis('off')
    plt.imshow(reconstructed[i])
save_and_show(plt, args, '3-main.png')

l1 = np.linspace(-3, 3, 25)
l2 = np.linspace(-3, 3, 25)
L = np.stack(np.meshgrid(l1, l2, sparse=False, indexing='ij'), axis=2)
G = decoder.predict(L.reshape((-1, 2)), batch_size=125)

plt.figure(figsize=(10, 10), dpi=100)
for i in range(25 * 25):
    ax = plt.subplot(25, 25, i + 1)
    ax.axis('off')
    plt.imshow(G[i].reshape((28, 28)))
save_and_show(plt, args, '3-main-grid.png')
