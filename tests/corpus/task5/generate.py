#!/usr/bin/env python3
"""Writes tests/corpus/task5/faulty/: task 5's stacked autoencoder with one
real-world defect per folder, and its manifest.

As tests/corpus/generate_faulty.py does for tasks 0-3: each defect is an
exact substitution in the reference ``5-stacked.py`` (the script fails if
one no longer applies), and ``manifest.json`` names the check each must
fail, words its feedback must contain and checks it must still pass. Run
it again after changing the reference.
"""
import json
import os
import shutil
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent.parent
OUT = HERE / "faulty"
STEM = "5-stacked"
SHAPES = ["loads", "returns", "encoder-layers", "decoder-layers",
          "weight-sharing"]
MODEL = SHAPES + ["activations", "forward-pass"]

ELU = "    def dense(units, activation='elu', name=None):"
INIT = "            kernel_initializer=keras.initializers.GlorotUniform(),\n"
L2 = "            kernel_regularizer=keras.regularizers.l2(l2_scale))"
OUTPUT = ("    outputs = dense(input_dims, activation=None, "
          "name='reconstruction')(x)")
COMPILE = "    auto.compile(optimizer='adam', loss='mean_squared_error')"

# name: ([(old, new), ...], failing check, words, checks that pass)
DEFECTS = {
    "relu_hidden": (
        [(ELU, ELU.replace("'elu'", "'relu'"))], "activations",
        "encoder layer 1 (Dense(300)) has activation relu, expected elu",
        SHAPES + ["initializer", "l2-penalty", "optimizer"]),
    "sigmoid_output": (
        [(OUTPUT, OUTPUT.replace("None", "'sigmoid'"))], "activations",
        "the output layer) has activation sigmoid, expected none (linear)",
        SHAPES + ["initializer", "l2-penalty", "optimizer"]),
    "he_normal": (
        [(INIT, INIT.replace("GlorotUniform", "HeNormal"))], "initializer",
        "it looks like he_normal", MODEL + [
            "l2-penalty", "mse-loss", "optimizer", "training-step",
            "seeded-training"]),
    "glorot_normal": (
        [(INIT, INIT.replace("GlorotUniform", "GlorotNormal"))],
        "initializer", "beyond Glorot uniform's bound", MODEL + [
            "l2-penalty", "mse-loss", "optimizer", "training-step"]),
    "l1_penalty": (
        [(L2, L2.replace("l2(", "l1("))], "l2-penalty",
        "has an L1 penalty; the task asks for L2",
        MODEL + ["initializer", "mse-loss", "optimizer"]),
    "no_regularizer": (
        [(INIT + L2, INIT.replace(",\n", ")"))], "l2-penalty",
        "encoder layer 1 (Dense(300)) has no kernel_regularizer",
        MODEL + ["initializer", "mse-loss", "optimizer"]),
    "bias_regularizer": (
        [(L2, L2.replace("kernel_", "bias_"))], "l2-penalty",
        "has a bias_regularizer: the task penalizes kernels only",
        MODEL + ["initializer", "mse-loss", "optimizer"]),
    "output_not_regularized": (
        [(OUTPUT, "    outputs = keras.layers.Dense(input_dims, "
                  "name='reconstruction')(x)")], "l2-penalty",
        "decoder layer 2 (Dense(1024)) has no kernel_regularizer",
        MODEL + ["initializer", "mse-loss", "optimizer"]),
    "half_l2": (
        [(L2, L2.replace("l2(l2_scale)", "l2(l2_scale / 2)"))],
        "l2-penalty", "has an L2 factor of 5e-05, expected l2_scale = "
        "0.0001", MODEL + ["initializer", "mse-loss", "optimizer"]),
    "binary_crossentropy": (
        [(COMPILE, COMPILE.replace("mean_squared_error",
                                   "binary_crossentropy"))], "mse-loss",
        "it equals the binary cross-entropy",
        MODEL + ["initializer", "l2-penalty", "optimizer"]),
    "sgd": (
        [(COMPILE, COMPILE.replace("'adam'", "'sgd'"))], "optimizer",
        "compiled with SGD; the task asks for Adam",
        MODEL + ["initializer", "l2-penalty", "mse-loss"]),
}


def main() -> None:
    """Applies each defect to the reference; writes folders + manifest."""
    reference = (ROOT / f"{STEM}.py").read_text()
    if OUT.exists():
        shutil.rmtree(OUT)
    OUT.mkdir()
    manifest = {}
    for name, (edits, check, words, passes) in DEFECTS.items():
        text = reference
        for old, new in edits:
            if text.count(old) != 1:
                raise SystemExit(f"{name}: {old!r} found "
                                 f"{text.count(old)} times")
            text = text.replace(old, new)
        (OUT / name).mkdir()
        path = OUT / name / f"{STEM}.py"
        path.write_text(text)
        os.chmod(path, 0o755)
        manifest[name] = {"task": 5, "fails": check, "words": words,
                          "passes": passes}
    (OUT / "manifest.json").write_text(json.dumps(manifest, indent=1) + "\n")
    print(f"{len(manifest)} faulty submissions written to {OUT}")


if __name__ == "__main__":
    main()
