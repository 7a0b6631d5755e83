"""What the course's mains need to run on today's stack.

The mains of the course page were written for TensorFlow 1.15 on a desktop.
This module gives them, in a few calls:

- command-line options: which folder to import the task file from
  (``--solution`` or ``AE_SOLUTION_DIR``), where to save figures
  (``--figures`` or ``AE_FIGURES_DIR``), and a fast mode for tests
  (``--epochs``, ``--samples``);
- MNIST from ``MNIST_PATH`` (a local ``.npz``) or from Keras's download, with
  one clear sentence and exit code 1 when neither works (Fashion-MNIST, for
  task 6, likewise from ``FASHION_MNIST_PATH``);
- TensorFlow 2 seeding;
- figures that are always saved as PNG and shown only where a display exists.
"""
import argparse
import os
import sys

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIGURES_DIR = os.path.join(REPO_ROOT, 'mains', 'figures')


def parse_args(task_file, epochs, dataset='MNIST'):
    """Parses the main's options; ``epochs`` is the course page's count."""
    parser = argparse.ArgumentParser(
        description='Runs the course main for {}.py on {}.'.format(
            task_file, dataset))
    parser.add_argument(
        '--solution', metavar='DIR',
        default=os.environ.get('AE_SOLUTION_DIR', REPO_ROOT),
        help='folder holding {}.py (default: $AE_SOLUTION_DIR, else the '
             'repository root, i.e. the reference solution)'.format(
                 task_file))
    parser.add_argument(
        '--figures', metavar='DIR',
        default=os.environ.get('AE_FIGURES_DIR', FIGURES_DIR),
        help='folder the PNG figures are written to (default: '
             '$AE_FIGURES_DIR, else mains/figures/)')
    parser.add_argument(
        '--epochs', type=int, default=epochs,
        help='training epochs (default: {}, as on the course page)'.format(
            epochs))
    parser.add_argument(
        '--samples', type=int, default=None, metavar='N',
        help='use only the first N training and test images (N >= 10; '
             'default: all of them)')
    args = parser.parse_args()
    if args.samples is not None and args.samples < 10:
        parser.error('--samples must be at least 10')
    if args.epochs < 1:
        parser.error('--epochs must be at least 1')
    return args


def import_task(task_file, args):
    """Imports ``task_file`` (e.g. '0-vanilla') from ``args.solution``."""
    path = os.path.join(args.solution, task_file + '.py')
    if not os.path.isfile(path):
        sys.exit('error: {} not found (use --solution DIR to point at the '
                 'folder that holds it)'.format(path))
    sys.path.insert(0, os.path.abspath(args.solution))
    return __import__(task_file)


def load_mnist(args):
    """Returns MNIST as ``(x_train, y_train), (x_test, y_test)``.

    Reads the ``.npz`` named by ``MNIST_PATH`` when that variable is set
    (never touching the network), else asks Keras to download it.
    """
    import numpy as np

    path = os.environ.get('MNIST_PATH')
    try:
        if path:
            with np.load(path) as data:
                train = data['x_train'], data['y_train']
                test = data['x_test'], data['y_test']
        else:
            from tensorflow.keras.datasets import mnist
            train, test = mnist.load_data()
    except Exception as error:
        if path:
            message = ('MNIST_PATH={} could not be read as an MNIST .npz '
                       '(keys x_train, y_train, x_test, y_test): {}'.format(
                           path, error))
        else:
            message = ('MNIST could not be downloaded ({}); set MNIST_PATH '
                       'to a local mnist.npz, e.g. MNIST_PATH=/path/to/'
                       'mnist.npz ./mains/0-main.py'.format(
                           type(error).__name__))
        print('error: ' + message, file=sys.stderr)
        sys.exit(1)
    if args.samples is not None:
        train = tuple(a[:args.samples] for a in train)
        test = tuple(a[:args.samples] for a in test)
    return train, test


def load_fashion_mnist(args):
    """Returns Fashion-MNIST as ``(x_train, y_train), (x_test, y_test)``.

    Reads the ``.npz`` named by ``FASHION_MNIST_PATH`` when that variable
    is set (keys as MNIST's; never touching the network), else asks Keras
    to download it; one sentence and exit code 1 when neither works.
    """
    import numpy as np

    path = os.environ.get('FASHION_MNIST_PATH')
    try:
        if path:
            with np.load(path) as data:
                train = data['x_train'], data['y_train']
                test = data['x_test'], data['y_test']
        else:
            from tensorflow.keras.datasets import fashion_mnist
            train, test = fashion_mnist.load_data()
    except Exception as error:
        if path:
            message = ('FASHION_MNIST_PATH={} could not be read as a '
                       'Fashion-MNIST .npz (keys x_train, y_train, x_test, '
                       'y_test): {}'.format(path, error))
        else:
            message = ('Fashion-MNIST could not be downloaded ({}); set '
                       'FASHION_MNIST_PATH to a local .npz, e.g. '
                       'FASHION_MNIST_PATH=/path/to/fashion_mnist.npz '
                       './mains/6-main.py'.format(type(error).__name__))
        print('error: ' + message, file=sys.stderr)
        sys.exit(1)
    if args.samples is not None:
        train = tuple(a[:args.samples] for a in train)
        test = tuple(a[:args.samples] for a in test)
    return train, test


def seed_everything(seed=0):
    """TensorFlow 2's replacement for ``tf.set_random_seed(0)``.

    ``keras.utils.set_random_seed`` seeds Python's ``random``, NumPy and
    TensorFlow in one call (and Keras 3's own seed generator), under both
    Keras 2 and Keras 3; the course's ``np.random.seed(0)`` is part of it.
    """
    import tensorflow as tf

    tf.keras.utils.set_random_seed(seed)


def has_display():
    """True where a figure window can open (not on a headless Linux)."""
    if not sys.platform.startswith('linux'):
        return True
    return bool(os.environ.get('DISPLAY') or os.environ.get('WAYLAND_DISPLAY'))


def pyplot():
    """Returns matplotlib.pyplot, on a file-only backend when headless."""
    import matplotlib

    if not has_display() and 'MPLBACKEND' not in os.environ:
        matplotlib.use('Agg')
    import matplotlib.pyplot as plt

    return plt


def save_and_show(plt, args, name):
    """Saves the current figure as ``args.figures/name``, then shows it."""
    os.makedirs(args.figures, exist_ok=True)
    path = os.path.join(args.figures, name)
    plt.savefig(path)
    print('figure saved to {}'.format(path))
    if has_display() and plt.get_backend().lower() != 'agg':
        plt.show()
    plt.close()
