#!/usr/bin/env python3
"""Writes tests/corpus/task6/faulty/: one real-world defect of task 6's
``6-low-level.py`` per folder, as tests/corpus/generate_faulty.py does for
tasks 0-3.

Each defect is an exact substitution in the reference (the script fails if
one no longer applies). ``manifest.json`` names the check each must fail,
words its feedback must contain, and checks it must still pass. Run it
again after changing the reference.
"""
import json
import os
import shutil
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent.parent
OUT = HERE / "faulty"
STEM = "6-low-level"
BUILT = ["lowlevel-loads", "lowlevel-module"]
SHAPED = BUILT + ["lowlevel-variables", "no-keras-layers"]
STARTS = SHAPED + ["lowlevel-init", "lowlevel-seed"]
RUNS = STARTS + ["lowlevel-forward"]

NORMAL = "            return generator.normal(shape, mean=0.0, stddev=0.05)"
GENERATOR = "        generator = tf.random.Generator.from_seed(seed)"
DEC_OUT = ("        return tf.nn.sigmoid(tf.matmul(layer_1, "
           "self.weights['decoder_h2'])\n"
           "                             + self.biases['decoder_b2'])")
ENC_1 = ("        layer_1 = tf.nn.sigmoid(tf.matmul(x, "
         "self.weights['encoder_h1'])\n"
         "                                + self.biases['encoder_b1'])")
ENC_H1 = ("            'encoder_h1': tf.Variable(random_normal([input_dims,\n"
          "                                                     "
          "hidden_dims])),")
UPDATE = "            variable.assign_sub(rate * m / (tf.sqrt(v) + EPSILON))"
LOSS = "            loss = tf.reduce_mean(tf.square(x - self(x)))"
RATE = "        self.learning_rate = learning_rate"
MOMENTS = ("        self.moments = [(tf.Variable(tf.zeros_like(v), "
           "trainable=False),\n"
           "                         tf.Variable(tf.zeros_like(v), "
           "trainable=False))\n"
           "                        for v in self.trainable_variables]")
STEP = "        self.step.assign_add(1.0)"

# name: ([(old, new), ...], failing check, words, checks that pass)
DEFECTS = {
    "init_stddev_one": (
        [(NORMAL, "            return generator.normal(shape)")],
        "lowlevel-init", "standard deviation of 1",
        SHAPED + ["lowlevel-seed", "lowlevel-forward",
                  "lowlevel-train-step"]),
    "seed_ignored": (
        [(GENERATOR, "        generator = tf.random.Generator.from_seed(0)")],
        "lowlevel-seed", "start with the same values",
        SHAPED + ["lowlevel-init", "lowlevel-forward",
                  "lowlevel-train-step"]),
    "global_random_state": (
        [(NORMAL, "            return tf.random.normal(shape, stddev=0.05,"
                  " seed=seed)")],
        "lowlevel-seed", "start with different values",
        SHAPED + ["lowlevel-init", "lowlevel-forward",
                  "lowlevel-train-step"]),
    "transposed_weight": (
        [(ENC_H1, "            'encoder_h1': tf.Variable(random_normal("
                  "[hidden_dims,\n"
                  "                                                     "
                  "input_dims])),"),
         (ENC_1, "        layer_1 = tf.nn.sigmoid(tf.matmul(\n"
                 "            x, self.weights['encoder_h1'], "
                 "transpose_b=True)\n"
                 "            + self.biases['encoder_b1'])")],
        "lowlevel-variables", "is transposed", BUILT + ["no-keras-layers"]),
    "sigmoid_missing": (
        [(DEC_OUT, "        return (tf.matmul(layer_1, "
                   "self.weights['decoder_h2'])\n"
                   "                + self.biases['decoder_b2'])")],
        "lowlevel-forward", "a sigmoid is missing", STARTS),
    "gradients_not_applied": (
        [(UPDATE, "            rate * m / (tf.sqrt(v) + EPSILON)")],
        "lowlevel-train-step", "left every variable unchanged", RUNS),
    "learning_rate_ignored": (
        [(RATE, "        self.learning_rate = 0.01")],
        "lowlevel-train-step", "the learning rate used is about 0.01", RUNS),
    "absolute_error": (
        [(LOSS, "            loss = tf.reduce_mean(tf.abs(x - self(x)))")],
        "lowlevel-train-step", "another loss", RUNS),
    "adam_state_reset": (
        [(STEP, "        self.step.assign(1.0)")],
        "lowlevel-train-step", "the first step matched and the second",
        RUNS),
    "textbook_adam": (
        [(UPDATE, "            m_hat = m / (1.0 - BETA_1 ** self.step)\n"
                  "            v_hat = v / (1.0 - BETA_2 ** self.step)\n"
                  "            variable.assign_sub(self.learning_rate * "
                  "m_hat\n"
                  "                                / (tf.sqrt(v_hat) + "
                  "EPSILON))")],
        "lowlevel-train-step", "not Adam's as tf.keras.optimizers.Adam",
        RUNS),
    "moments_trainable": (
        [(MOMENTS, MOMENTS.replace(", trainable=False", ""))],
        "lowlevel-variables", "more variables are trainable",
        BUILT + ["no-keras-layers"]),
    "keras_dense_layers": (
        [(ENC_1, "        layer_1 = self.hidden(x)"),
         (RATE, RATE + "\n        self.hidden = tf.keras.layers.Dense(\n"
                "            hidden_dims, activation='sigmoid')")],
        "no-keras-layers", "holds Keras objects", BUILT),
}


def main() -> None:
    """(Re)writes every faulty folder and the manifest."""
    reference = (ROOT / f"{STEM}.py").read_text()
    if OUT.exists():
        shutil.rmtree(OUT)
    manifest = {}
    for name, (edits, fails, words, passes) in DEFECTS.items():
        source = reference
        for old, new in edits:
            if source.count(old) != 1:
                raise SystemExit(f"{name}: {old!r} is not in the reference "
                                 "exactly once")
            source = source.replace(old, new)
        folder = OUT / name
        folder.mkdir(parents=True)
        path = folder / f"{STEM}.py"
        path.write_text(source)
        os.chmod(path, 0o755)
        manifest[name] = {"task": 6, "fails": fails, "words": words,
                          "passes": passes}
    (OUT / "manifest.json").write_text(json.dumps(manifest, indent=1)
                                       + "\n")


if __name__ == "__main__":
    main()
