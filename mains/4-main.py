#!/usr/bin/env python3
"""Main for task 4: trains the denoising autoencoder on noisy MNIST digits
(noisy inputs, clean targets), as the Keras blog's denoising example."""
import numpy as np
from main_support import (import_task, load_mnist, parse_args, pyplot,
                          save_and_show, seed_everything)

args = parse_args('4-denoising', epochs=5)
plt = pyplot()
task = import_task('4-denoising', args)

(x_train, _), (x_test, _) = load_mnist(args)
x_train = x_train.astype('float32') / 255.
x_test = x_test.astype('float32') / 255.
x_train = np.expand_dims(x_train, axis=3)
x_test = np.expand_dims(x_test, axis=3)
x_train_noisy = task.add_noise(x_train, 0.5, 1)
x_test_noisy = task.add_noise(x_test, 0.5, 2)
print(x_train_noisy.shape, x_train_noisy.min(), x_train_noisy.max())
seed_everything(0)
encoder, decoder, auto = task.autoencoder((28, 28, 1), [32, 32, 32],
                                          (4, 4, 32))
auto.fit(x_train_noisy, x_train, epochs=args.epochs, batch_size=128,
         shuffle=True, validation_data=(x_test_noisy, x_test))
denoised = auto.predict(x_test_noisy[:10])
# How far from the clean digits: the noisy inputs, then the model's output.
print(np.mean((x_test_noisy[:10] - x_test[:10]) ** 2))
print(np.mean((denoised - x_test[:10]) ** 2))

plt.figure(figsize=(6.4, 4.8), dpi=100)
for i in range(10):
    for row, images in enumerate((x_test_noisy, denoised, x_test)):
        ax = plt.subplot(3, 10, row * 10 + i + 1)
        ax.axis('off')
        plt.imshow(images[i, :, :, 0], cmap='gray')
save_and_show(plt, args, '4-main.png')
