#!/usr/bin/env python3
"""Course main for task 2: trains the convolutional autoencoder on MNIST."""
import numpy as np
from main_support import (import_task, load_mnist, parse_args, pyplot,
                          save_and_show, seed_everything)

args = parse_args('2-convolutional', epochs=50)
plt = pyplot()
autoencoder = import_task('2-convolutional', args).autoencoder

(x_train, _), (x_test, _) = load_mnist(args)
x_train = x_train.astype('float32') / 255.
x_test = x_test.astype('float32') / 255.
x_train = np.expand_dims(x_train, axis=3)
x_test = np.expand_dims(x_test, axis=3)
print(x_train.shape)
print(x_test.shape)
seed_everything(0)
encoder, decoder, auto = autoencoder((28, 28, 1), [16, 8, 8], (4, 4, 8))
auto.fit(x_train, x_train, epochs=args.epochs, batch_size=256, shuffle=True,
         validation_data=(x_test, x_test))
encoded = encoder.predict(x_test[:10])
print(np.mean(encoded))
reconstructed = decoder.predict(encoded)[:, :, :, 0]

plt.figure(figsize=(6.4, 4.8), dpi=100)
for i in range(10):
    ax = plt.subplot(2, 10, i + 1)
    ax.axis('off')
    plt.imshow(x_test[i, :, :, 0])
    ax = plt.subplot(2, 10, i + 11)
    ax.axis('off')
    plt.imshow(reconstructed[i])
save_and_show(plt, args, '2-main.png')
