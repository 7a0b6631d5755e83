#!/usr/bin/env python3
"""Course main for task 1: trains the sparse autoencoder on MNIST."""
import numpy as np
from main_support import (import_task, load_mnist, parse_args, pyplot,
                          save_and_show, seed_everything)

args = parse_args('1-sparse', epochs=100)
plt = pyplot()
autoencoder = import_task('1-sparse', args).autoencoder

(x_train, _), (x_test, _) = load_mnist(args)
x_train = x_train.astype('float32') / 255.
x_test = x_test.astype('float32') / 255.
x_train = x_train.reshape((-1, 784))
x_test = x_test.reshape((-1, 784))
seed_everything(0)
encoder, decoder, auto = autoencoder(784, [128, 64], 32, 10e-6)
auto.fit(x_train, x_train, epochs=args.epochs, batch_size=256, shuffle=True,
         validation_data=(x_test, x_test))
encoded = encoder.predict(x_test[:10])
print(np.mean(encoded))
reconstructed = decoder.predict(encoded)

plt.figure(figsize=(6.4, 4.8), dpi=100)
for i in range(10):
    ax = plt.subplot(2, 10, i + 1)
    ax.axis('off')
    plt.imshow(x_test[i].reshape((28, 28)))
    ax = plt.subplot(2, 10, i + 11)
    ax.axis('off')
    plt.imshow(reconstructed[i].reshape((28, 28)))
save_and_show(plt, args, '1-main.png')
