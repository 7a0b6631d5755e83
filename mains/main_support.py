"""What the course's mains need to run on today's stack.

The mains of the course page were written for TensorFlow 1.15 on a desktop.
This module gives them, in a few calls:

- command-line options: which folder to import the task file from
  (``--solution`` or ``AE_SOLUTION_DIR``), where to save figures
  (``--figures`` or ``AE_FIGURES_DIR``), and a fast mode for tests
  (``--epochs``, ``--samples``);
- MNIST from ``MNIST_PATH`` (a local ``.npz``) or from Keras's download, with
  one clear sentence and exit code 1 when neither works; CIFAR-10 (task 5)
  and Fashion-MNIST (task 6) the same way from ``CIFAR10_PATH`` and
  ``FASHION_MNIST_PATH``;
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


def load_dataset(args, variable, name, keras_name, main):
    """Returns a Keras dataset as ``(x_train, y_train), (x_test, y_test)``.

    Reads the ``.npz`` named by the environment ``variable`` when it is set
    (the keys of Keras's ``load_data()``: ``x_train``, ``y_train``,
    ``x_test``, ``y_test``; never touching the network), else asks Keras to
    download ``keras_name``; one sentence and exit code 1 when neither
    works (``main`` is the main that says how to set the variable).
    """
    import numpy as np

    path = os.environ.get(variable)
    try:
        if path:
            with np.load(path) as data:
                train = data['x_train'], data['y_train']
                test = data['x_test'], data['y_test']
        else:
            import tensorflow as tf
            loader = getattr(tf.keras.datasets, keras_name)
            train, test = loader.load_data()
    except Exception as error:
        article = 'an' if name[0] in 'AEIMO' else 'a'
        if path:
            message = ('{}={} could not be read as {} {} .npz (keys '
                       'x_train, y_train, x_test, y_test): {}'.format(
                           variable, path, article, name, error))
        else:
            message = ('{} could not be downloaded ({}); set {} to a local '
                       '{}.npz, e.g. {}=/path/to/{}.npz ./mains/{}'.format(
                           name, type(error).__name__, variable, keras_name,
                           variable, keras_name, main))
        print('error: ' + message, file=sys.stderr)
        sys.exit(1)
    if args.samples is not None:
        train = tuple(a[:args.samples] for a in train)
        test = tuple(a[:args.samples] for a in test)
    return train, test


def load_mnist(args):
    """MNIST from ``MNIST_PATH``, else Keras's download."""
    return load_dataset(args, 'MNIST_PATH', 'MNIST', 'mnist', '0-main.py')


def load_cifar10(args):
    """CIFAR-10 (task 5) from ``CIFAR10_PATH`` (``x_train`` of shape
    (50000, 32, 32, 3)), else Keras's download."""
    return load_dataset(args, 'CIFAR10_PATH', 'CIFAR-10', 'cifar10',
                        '5-main.py')


def load_fashion_mnist(args):
    """Fashion-MNIST (task 6) from ``FASHION_MNIST_PATH`` (keys as
    MNIST's), else Keras's download."""
    return load_dataset(args, 'FASHION_MNIST_PATH', 'Fashion-MNIST',
                        'fashion_mnist', '6-main.py')


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
