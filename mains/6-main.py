#!/usr/bin/env python3
"""Main for task 6: trains the low-level autoencoder on Fashion-MNIST, as
the tutorial does (Adam at 0.01, batches of 64, about 5,000 steps)."""
import numpy as np
import tensorflow as tf
from main_support import (import_task, load_fashion_mnist, parse_args,
                          pyplot, save_and_show, seed_everything)

args = parse_args('6-low-level', epochs=5, dataset='Fashion-MNIST')
plt = pyplot()
Autoencoder = import_task('6-low-level', args).Autoencoder

(x_train, _), (x_test, _) = load_fashion_mnist(args)
x_train = x_train.astype('float32').reshape((-1, 784)) / 255.
x_test = x_test.astype('float32').reshape((-1, 784)) / 255.
seed_everything(0)
auto = Autoencoder(784, 128, 64, seed=0, learning_rate=0.01)
batches = tf.data.Dataset.from_tensor_slices(x_train).shuffle(
    len(x_train), seed=0).batch(64)
for epoch in range(1, args.epochs + 1):
    losses = [float(auto.train_step(batch)) for batch in batches]
    val_loss = float(tf.reduce_mean(tf.square(x_test - auto(x_test))))
    print('epoch {}/{}: {} steps, loss {:.4f}, val_loss {:.4f}'.format(
        epoch, args.epochs, len(losses), np.mean(losses), val_loss))
n = min(16, len(x_test))
encoded = auto.encode(x_test[:n]).numpy()
print(np.mean(encoded))
reconstructed = auto(x_test[:n]).numpy()

# Originals, their 64 codes as 8x8 images, and the reconstructions.
plt.figure(figsize=(n, 3.6), dpi=100)
for i in range(n):
    for row, (image, shape) in enumerate(((x_test[i], (28, 28)),
                                          (encoded[i], (8, 8)),
                                          (reconstructed[i], (28, 28)))):
        ax = plt.subplot(3, n, row * n + i + 1)
        ax.axis('off')
        plt.imshow(image.reshape(shape), cmap='gray')
save_and_show(plt, args, '6-main.png')
