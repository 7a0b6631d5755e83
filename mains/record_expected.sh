#!/usr/bin/env bash
# Runs the course mains in full on the reference solutions and records their
# output and figures in mains/expected/. Usage (from anywhere):
#   MNIST_PATH=/path/to/mnist.npz mains/record_expected.sh [0 1 2 3 4]
#   CIFAR10_PATH=/path/to/cifar10.npz mains/record_expected.sh 5
# (task 5 is recorded only when asked for; without CIFAR10_PATH its main
# tries Keras's download.) A main that fails leaves no log behind.
#   FASHION_MNIST_PATH=/path/to/fashion_mnist.npz mains/record_expected.sh 6
# (task 6 trains on Fashion-MNIST: its .npz, or Keras's download).
# Each N-main.txt starts with the versions, the machine and ends with the
# wall time; ANSI colour codes of Keras's progress bar are stripped.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out="$here/expected"
mkdir -p "$out"
python=${PYTHON:-python3}
for n in "${@:-0 1 2 3 4}"; do
    log="$out/$n-main.txt"
    {
        echo "# ./mains/$n-main.py, reference solution, full run"
        "$python" - <<'PY'
import os, platform, sys
os.environ.setdefault('TF_CPP_MIN_LOG_LEVEL', '3')
import numpy as np, tensorflow as tf
keras = tf.keras
version = getattr(keras, '__version__', None) or keras.version()
print('# python {}, numpy {}, tensorflow {}, keras {} ({})'.format(
    platform.python_version(), np.__version__, tf.__version__, version,
    'Keras 2, tf-keras' if os.environ.get('TF_USE_LEGACY_KERAS') == '1'
    else 'Keras 3'))
print('# machine: {} {}, {} CPU cores, {}'.format(
    platform.system(), platform.machine(), os.cpu_count(),
    'GPU' if tf.config.list_physical_devices('GPU') else 'no GPU'))
PY
        start=$(date +%s)
        TF_CPP_MIN_LOG_LEVEL=3 "$python" "$here/$n-main.py" --figures "$out" \
            2>&1 || exit 1
        echo "# wall time: $(( $(date +%s) - start )) s"
    } | sed -u 's/\x1b\[[0-9;]*m//g' > "$log" || {
        echo "$n-main.py failed, nothing recorded:" >&2
        tail -n 3 "$log" >&2
        rm -f "$log"
        exit 1
    }
done
