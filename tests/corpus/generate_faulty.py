#!/usr/bin/env python3
"""Writes tests/corpus/faulty/: one real-world defect per folder.

Each defect is an exact substitution in a reference solution (the script
fails if a substitution no longer applies, so a changed reference cannot
silently produce a correct "faulty" file). ``manifest.json`` names the check
each one must fail, words its feedback must contain, and checks it must
still pass. Run it again after changing a reference solution.
"""
import json
import os
import shutil
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
OUT = HERE / "faulty"
STEMS = {0: "0-vanilla", 1: "1-sparse", 2: "2-convolutional",
         3: "3-variational"}
BASIC = ["loads", "returns"]

SHAPES = BASIC + ["encoder-layers", "decoder-layers"]

V_LATENT = ("    latent = keras.layers.Dense(latent_dims, activation='relu',\n"
            "                                name='latent')(x)")
V_OUT = ("    outputs = keras.layers.Dense(input_dims, activation='sigmoid',\n"
         "                                 name='reconstruction')(x)")
V_AUTO = ("    auto = keras.Model(inputs, decoder(encoder(inputs)), "
          "name='autoencoder')")
V_DEC_LOOP = "    for units in reversed(hidden_layers):"
V_ENC_LOOP = "    for units in hidden_layers:\n"
V_COMPILE = "    auto.compile(optimizer='adam', loss='binary_crossentropy')"
S_LATENT = ("    latent = keras.layers.Dense(latent_dims, activation='relu',"
            "\n                                activity_regularizer=sparsity,"
            "\n                                name='latent')(x)")
C_ENC = ("        x = keras.layers.Conv2D(n_filters, (3, 3), padding='same',\n"
         "                                activation='relu')(x)\n"
         "        x = keras.layers.MaxPooling2D((2, 2), padding='same')(x)")
C_DEC_LOOP = "    for i, n_filters in enumerate(reversed(filters)):"
C_PAD = "        padding = 'valid' if i == len(filters) - 1 else 'same'"
C_DEC = ("        x = keras.layers.Conv2D(n_filters, (3, 3), padding=padding,"
         "\n"
         "                                activation='relu')(x)\n"
         "        x = keras.layers.UpSampling2D((2, 2))(x)")
C_LAST = ("    outputs = keras.layers.Conv2D(input_dims[-1], (3, 3), "
          "padding='same',\n"
          "                                  activation='sigmoid',\n"
          "                                  name='reconstruction')(x)")
A_SAMPLE = ("        epsilon = keras.backend.random_normal("
            "keras.backend.shape(mean))\n"
            "        return mean + keras.backend.exp(log_var / 2) * epsilon")
A_MEAN = "    mean = keras.layers.Dense(latent_dims, name='mean')(x)"
A_LOG_VAR = "    log_var = keras.layers.Dense(latent_dims, name='log_var')(x)"
A_HEADS = A_MEAN + "\n" + A_LOG_VAR
A_KL = ("        kl = -0.5 * keras.backend.sum(\n"
        "            1 + log_var - keras.backend.square(mean)\n"
        "            - keras.backend.exp(log_var), axis=-1)")
A_ADD = "        self.add_loss(keras.backend.mean(kl))"
A_ENC = ("    encoder = keras.Model(inputs, [z, mean, log_var], "
         "name='encoder')")
A_AUTO = ("    auto = keras.Model(inputs, decoder(encoder(inputs)[0]), "
          "name='vae')")
A_RECON = ("        return keras.losses.binary_crossentropy(x_true, x_pred) "
           "* input_dims")
A_COMPILE = "    auto.compile(optimizer='adam', loss=reconstruction_loss)"

# name: (task, [(old, new), ...], failing check, words, checks that pass)
DEFECTS = {
    "vanilla_linear_latent": (0, [(V_LATENT, V_LATENT.replace(
        "activation='relu'", "activation=None"))], "activations",
        "layer 3 (Dense(32), the latent layer) has activation linear",
        SHAPES + ["weight-sharing", "optimizer"]),
    "vanilla_sigmoid_latent": (0, [(V_LATENT, V_LATENT.replace(
        "'relu'", "'sigmoid'"))], "activations", "activation sigmoid, "
        "expected relu", SHAPES + ["weight-sharing", "optimizer"]),
    "vanilla_tanh_hidden": (0, [(V_ENC_LOOP + "        x = keras.layers."
                                 "Dense(units, activation='relu')(x)",
                                 V_ENC_LOOP + "        x = keras.layers."
                                 "Dense(units, activation='tanh')(x)")],
                            "activations", "encoder layer 1 (Dense(128)) "
                            "has activation tanh", SHAPES),
    "vanilla_relu_output": (0, [(V_OUT, V_OUT.replace("'sigmoid'",
                                                      "'relu'"))],
                            "activations", "the output layer) has "
                            "activation relu, expected sigmoid", SHAPES),
    "vanilla_decoder_not_reversed": (0, [(V_DEC_LOOP,
                                          "    for units in hidden_layers:")],
                                     "decoder-layers", "reverse order",
                                     BASIC + ["encoder-layers"]),
    "vanilla_decoder_missing_layer": (0, [(V_DEC_LOOP, "    for units in "
                                           "reversed(hidden_layers[1:]):")],
                                      "decoder-layers", "decoder is missing",
                                      BASIC + ["encoder-layers"]),
    "vanilla_hard_coded_sizes": (0, [
        ("    inputs = keras.Input(shape=(input_dims,))",
         "    inputs = keras.Input(shape=(784,))"),
        (V_ENC_LOOP, "    for units in [128, 64]:\n"),
        (V_DEC_LOOP, "    for units in [64, 128]:"),
        ("keras.layers.Dense(latent_dims, activation='relu',",
         "keras.layers.Dense(32, activation='relu',"),
        ("    latent_inputs = keras.Input(shape=(latent_dims,))",
         "    latent_inputs = keras.Input(shape=(32,))"),
        (V_OUT, V_OUT.replace("input_dims,", "784,"))],
        "returns", "are sizes hard-coded?", ["loads"]),
    "vanilla_latent_dims_ignored": (0, [
        (V_LATENT, V_LATENT.replace("latent_dims,", "hidden_layers[-1],")),
        ("    latent_inputs = keras.Input(shape=(latent_dims,))",
         "    latent_inputs = keras.Input(shape=(hidden_layers[-1],))")],
        "returns", "is latent_dims used", ["loads"]),
    "vanilla_encoder_order_reversed": (0, [(V_ENC_LOOP, "    for units in "
                                            "sorted(hidden_layers):\n")],
                                       "encoder-layers", "layer 1 is "
                                       "Dense(64), expected Dense(128)",
                                       BASIC + ["decoder-layers"]),
    "vanilla_auto_not_shared": (0, [(
        V_AUTO,
        "    x = inputs\n    for units in hidden_layers + [latent_dims]:\n"
        "        x = keras.layers.Dense(units, activation='relu')(x)\n"
        "    for units in reversed(hidden_layers):\n"
        "        x = keras.layers.Dense(units, activation='relu')(x)\n"
        "    x = keras.layers.Dense(input_dims, activation='sigmoid')(x)\n"
        "    auto = keras.Model(inputs, x, name='autoencoder')")],
        "weight-sharing",
        "not the encoder's and decoder's", SHAPES + ["activations",
                                                     "optimizer", "loss"]),
    "vanilla_sgd": (0, [(V_COMPILE, V_COMPILE.replace("'adam'", "'sgd'"))],
                    "optimizer", "compiled with SGD",
                    SHAPES + ["activations", "loss", "forward-pass"]),
    "vanilla_mse": (0, [(V_COMPILE, V_COMPILE.replace(
        "'binary_crossentropy'", "'mse'"))], "loss",
        "it equals the mean squared error", SHAPES + ["optimizer"]),
    "vanilla_not_compiled": (0, [(V_COMPILE, "")], "optimizer",
                             "not compiled", SHAPES + ["forward-pass"]),
    "vanilla_return_order": (0, [("    return encoder, decoder, auto",
                                  "    return decoder, encoder, auto")],
                             "returns", "(decoder, encoder, auto)",
                             ["loads"]),
    "sparse_no_penalty": (1, [(S_LATENT, V_LATENT)], "sparsity-penalty",
                          "no penalty on the encoded output",
                          SHAPES + ["activations", "forward-pass"]),
    "sparse_penalty_on_hidden": (1, [
        (S_LATENT, V_LATENT),
        ("        x = keras.layers.Dense(units, activation='relu')(x)\n"
         "    sparsity",
         "        x = keras.layers.Dense(\n"
         "            units, activation='relu',\n"
         "            activity_regularizer=keras.regularizers.l1(lambtha))(x)"
         "\n    sparsity")],
        "sparsity-penalty", "activity penalty is on encoder layer 1",
        SHAPES + ["activations"]),
    "sparse_penalty_on_every_layer": (1, [(
        "        x = keras.layers.Dense(units, activation='relu')(x)\n"
        "    sparsity",
        "        x = keras.layers.Dense(\n"
        "            units, activation='relu',\n"
        "            activity_regularizer=keras.regularizers.l1(lambtha))(x)"
        "\n    sparsity")],
        "sparsity-penalty", "only the encoded output",
        SHAPES + ["activations"]),
    "sparse_kernel_regularizer": (1, [(S_LATENT, S_LATENT.replace(
        "activity_regularizer", "kernel_regularizer"))],
        "sparsity-penalty", "has a kernel_regularizer",
        SHAPES + ["activations"]),
    "sparse_l2": (1, [("    sparsity = keras.regularizers.l1(lambtha)",
                       "    sparsity = keras.regularizers.l2(lambtha)")],
                  "sparsity-penalty", "the penalty is L2",
                  SHAPES + ["activations"]),
    "sparse_lambtha_ignored": (1, [("    sparsity = keras.regularizers.l1("
                                    "lambtha)", "    sparsity = keras."
                                    "regularizers.l1(10e-6)")],
                               "sparsity-penalty", "expected lambtha",
                               SHAPES + ["activations"]),
    "sparse_penalty_on_output": (1, [
        (S_LATENT, V_LATENT),
        (V_OUT, "    outputs = keras.layers.Dense(\n        input_dims, "
                "activation='sigmoid',\n        activity_regularizer="
                "keras.regularizers.l1(lambtha),\n"
                "        name='reconstruction')(x)")],
        "sparsity-penalty", "decoder layer 3", SHAPES + ["activations"]),
    "conv_decoder_hard_coded": (2, [(C_DEC_LOOP, "    for i, n_filters in "
                                     "enumerate([8, 8, 16]):")],
                                "decoder-layers", "expected Conv2D(16",
                                BASIC + ["encoder-layers"]),
    "conv_decoder_not_reversed": (2, [(C_DEC_LOOP, "    for i, n_filters in "
                                       "enumerate(filters):")],
                                  "decoder-layers", "Conv2D(",
                                  BASIC + ["encoder-layers"]),
    "conv_decoder_skips_filter": (2, [(C_DEC_LOOP, "    for i, n_filters in "
                                       "enumerate(reversed(filters[1:])):"),
                                      (C_PAD, "        padding = 'valid' if "
                                       "i == len(filters) - 2 else 'same'")],
                                  "decoder-layers", "missing",
                                  BASIC + ["encoder-layers"]),
    "conv_decoder_repeats_filter": (2, [(C_DEC_LOOP, "    for i, n_filters in"
                                         " enumerate(reversed(filters[:-1]"
                                         " + [filters[-2]])):")],
                                    "decoder-layers", "decoder layer 1 is "
                                    "Conv2D(", BASIC + ["encoder-layers"]),
    "conv_valid_pooling": (2, [(C_ENC, C_ENC.replace(
        "MaxPooling2D((2, 2), padding='same')",
        "MaxPooling2D((2, 2), padding='valid')"))], "returns",
        "check the encoder's layers (pooling, padding)", ["loads"]),
    "conv_missing_pooling": (2, [(C_ENC, C_ENC.replace(
        "        x = keras.layers.MaxPooling2D((2, 2), padding='same')(x)",
        "        if n_filters != filters[-1]:\n            x = keras.layers."
        "MaxPooling2D((2, 2), padding='same')(x)"))], "returns",
        "check the encoder's layers (pooling, padding)", ["loads"]),
    "conv_missing_upsampling": (2, [(C_DEC, C_DEC.replace(
        "        x = keras.layers.UpSampling2D((2, 2))(x)",
        "        if i != len(filters) - 1:\n            x = keras.layers."
        "UpSampling2D((2, 2))(x)"))], "decoder-layers",
        "decoder is missing UpSampling2D", BASIC + ["encoder-layers"]),
    "conv_extra_conv": (2, [(C_LAST, "    x = keras.layers.Conv2D(4, (3, 3),"
                             " padding='same', activation='relu')(x)\n"
                             + C_LAST)], "decoder-layers",
                        "is not part of the task", BASIC + ["encoder-layers"]),
    "conv_resizing": (2, [(C_PAD, "        padding = 'same'"),
                          (C_LAST, "    x = keras.layers.Resizing(\n"
                           "        input_dims[0], input_dims[1])(x)\n"
                           + C_LAST)], "decoder-layers", "Resizing",
                      BASIC + ["encoder-layers"]),
    "conv_kernel_5x5": (2, [(C_ENC, C_ENC.replace("(3, 3)", "(5, 5)"))],
                        "encoder-layers", "5x5", BASIC),
    "conv_same_instead_of_valid": (2, [(C_PAD, "        padding = 'same'")],
                                   "decoder-layers", "same), expected "
                                   "Conv2D(", BASIC + ["encoder-layers"]),
    "conv_last_upsampled": (2, [(C_LAST, C_LAST + "\n    outputs = keras."
                                 "layers.UpSampling2D((2, 2))(outputs)")],
                            "decoder-layers", "UpSampling2D",
                            BASIC + ["encoder-layers"]),
    "conv_last_relu": (2, [(C_LAST, C_LAST.replace("'sigmoid'", "'relu'"))],
                       "activations", "expected sigmoid", SHAPES),
    "conv_hard_coded_channels": (2, [(C_LAST, C_LAST.replace(
        "input_dims[-1]", "1"))], "decoder-layers", "expected Conv2D(3, "
        "3x3, same)", BASIC + ["encoder-layers"]),
    "vae_keras_example_order": (3, [(A_ENC, A_ENC.replace(
        "[z, mean, log_var]", "[mean, log_var, z]")),
        (A_AUTO, A_AUTO.replace("[0]", "[2]"))], "encoder-outputs",
        "Keras documentation", SHAPES),
    "vae_only_z": (3, [(A_ENC, A_ENC.replace("[z, mean, log_var]", "z")),
                       (A_AUTO, A_AUTO.replace("[0]", ""))],
                   "encoder-outputs", "1 output(s) (only z?)", SHAPES),
    "vae_fused_heads": (3, [(A_HEADS,
                             "    both = keras.layers.Dense(2 * latent_dims)"
                             "(x)\n    mean = keras.layers.Lambda(\n"
                             "        lambda t: t[:, :latent_dims])(both)\n"
                             "    log_var = keras.layers.Lambda(\n"
                             "        lambda t: t[:, latent_dims:])(both)")],
                        "encoder-layers", "two separate Dense layers",
                        BASIC + ["decoder-layers"]),
    "vae_relu_mean": (3, [(A_MEAN, A_MEAN.replace(
        "latent_dims,", "latent_dims, activation='relu',"))],
        "activations", "activation relu, expected none (linear)", SHAPES),
    "vae_relu_log_var": (3, [(A_LOG_VAR, A_LOG_VAR.replace(
        "latent_dims,", "latent_dims, activation='relu',\n"
        "                                "))],
        "activations", "activation relu, expected none (linear)", SHAPES),
    "vae_spread_exp_log_var": (3, [(A_SAMPLE, A_SAMPLE.replace(
        "log_var / 2", "log_var"))], "sampling", "exp(log_var / 2)",
        SHAPES + ["activations", "encoder-outputs", "decoder-input"]),
    "vae_noise_std_2": (3, [(A_SAMPLE, A_SAMPLE.replace(
        "keras.backend.shape(mean))",
        "keras.backend.shape(mean),\n"
        "                                              stddev=2.0)"))],
        "sampling", "standard deviation 1.0", SHAPES + ["encoder-outputs"]),
    "vae_shared_noise": (3, [(A_SAMPLE, A_SAMPLE.replace(
        "keras.backend.shape(mean))",
        "keras.backend.shape(mean)[1:])"))], "sampling",
        "same noise vector", SHAPES + ["encoder-outputs"]),
    "vae_decoder_fed_mean": (3, [(A_AUTO, A_AUTO.replace("[0]", "[1]"))],
                             "decoder-input", "feeds the mean",
                             SHAPES + ["encoder-outputs", "sampling"]),
    "vae_decoder_fed_log_var": (3, [(A_AUTO, A_AUTO.replace("[0]", "[2]"))],
                                "decoder-input", "feeds the log variance",
                                SHAPES + ["encoder-outputs", "sampling"]),
    "vae_no_kl": (3, [(A_ADD, "        self.add_loss(0.0 * "
                       "keras.backend.mean(kl))")], "kl-divergence",
                  "no KL term", SHAPES + ["sampling",
                                          "reconstruction-loss"]),
    "vae_kl_sign": (3, [(A_KL, A_KL.replace("kl = -0.5 *", "kl = 0.5 *"))],
                    "kl-divergence", "KL with the wrong sign",
                    SHAPES + ["sampling", "reconstruction-loss"]),
    "vae_kl_mean_over_dims": (3, [(A_KL, A_KL.replace(
        "keras.backend.sum(", "keras.backend.mean("))], "kl-divergence",
        "KL averaged over the latent dimensions",
        SHAPES + ["sampling", "reconstruction-loss"]),
    "vae_recon_averaged": (3, [(A_COMPILE, A_COMPILE.replace(
        "loss=reconstruction_loss", "loss='binary_crossentropy'"))],
        "reconstruction-loss", "averaged over the features",
        SHAPES + ["sampling", "kl-divergence"]),
    "vae_mse": (3, [(A_RECON, "        return keras.backend.sum(\n"
                     "            keras.backend.square(x_true - x_pred), "
                     "axis=-1)")],
                "reconstruction-loss", "squared error summed",
                SHAPES + ["sampling", "kl-divergence"]),
    "vae_rmsprop": (3, [(A_COMPILE, A_COMPILE.replace("'adam'",
                                                      "'rmsprop'"))],
                    "optimizer", "compiled with RMSprop",
                    SHAPES + ["sampling", "reconstruction-loss",
                              "kl-divergence"]),
}

# Keras 2 styles real students use (tests/corpus/keras2/correct/), each
# graded under Keras 2: name: (style folder, edits, check, words, passes).
K2_KL = ("    kl = -0.5 * K.sum(1 + z_log_var - K.square(z_mean) - "
         "K.exp(z_log_var),\n                      axis=-1)")
K2_ADD_KL = "    auto.add_loss(K.mean(kl))"
K2_RECON = ("        return keras.losses.binary_crossentropy(y_true, y_pred) "
            "* input_dims")
K2_WHOLE_RECON = ("    reconstruction = K.sum(K.binary_crossentropy(inputs, "
                  "outputs), axis=-1)")
K2_WHOLE_KL = ("    kl = -0.5 * K.sum(1 + z_log_var - K.square(z_mean) - "
               "K.exp(z_log_var),\n                      axis=-1)")
K2_ENC = "    encoder = keras.models.Model(inputs, [z, z_mean, z_log_var])"
K2_AUTO = "    outputs = decoder(encoder(inputs)[0])"
K2_SAMPLE = "    return z_mean + K.exp(0.5 * z_log_var) * epsilon"
K2_GRAPH_Z = "    z = mean + K.exp(log_var / 2) * epsilon"
K2_GRAPH_AUTO = ("    auto = keras.Model(inputs, decoder(encoder(inputs)[0]))")
KERAS2_DEFECTS = {
    "k2_graph_ops_spread_exp_log_var": (
        "graph_ops", [(K2_GRAPH_Z, K2_GRAPH_Z.replace("log_var / 2",
                                                      "log_var"))],
        "sampling", "exp(log_var / 2)",
        SHAPES + ["activations", "encoder-outputs", "decoder-input"]),
    "k2_graph_ops_decoder_fed_mean": (
        "graph_ops", [(K2_GRAPH_AUTO, K2_GRAPH_AUTO.replace("[0]", "[1]"))],
        "decoder-input", "feeds the mean",
        SHAPES + ["encoder-outputs", "sampling"]),
    "k2_auto_add_loss_no_kl": ("auto_add_loss_kl", [(K2_ADD_KL + "\n", "")],
                               "kl-divergence", "no KL term",
                               SHAPES + ["sampling", "reconstruction-loss"]),
    "k2_auto_add_loss_kl_mean_over_dims": (
        "auto_add_loss_kl", [(K2_KL, K2_KL.replace(
            "K.sum(", "K.mean(").replace("   axis", "    axis"))],
        "kl-divergence", "KL averaged over the latent dimensions",
        SHAPES + ["sampling", "reconstruction-loss"]),
    "k2_auto_add_loss_recon_averaged": (
        "auto_add_loss_kl", [(K2_RECON, K2_RECON.replace(" * input_dims",
                                                         ""))],
        "reconstruction-loss", "averaged over the features",
        SHAPES + ["sampling", "kl-divergence"]),
    "k2_whole_recon_averaged": (
        "auto_add_loss_whole", [(K2_WHOLE_RECON, K2_WHOLE_RECON.replace(
            "K.sum(", "K.mean("))],
        "reconstruction-loss", "averaged over the features",
        SHAPES + ["sampling", "kl-divergence"]),
    "k2_whole_kl_sign": (
        "auto_add_loss_whole", [(K2_WHOLE_KL, K2_WHOLE_KL.replace(
            "kl = -0.5 *", "kl = 0.5 *").replace("    axis", "   axis"))],
        "kl-divergence", "KL with the wrong sign",
        SHAPES + ["sampling", "reconstruction-loss"]),
    "k2_whole_keras_example_order": (
        "auto_add_loss_whole", [(K2_ENC, K2_ENC.replace(
            "[z, z_mean, z_log_var]", "[z_mean, z_log_var, z]")),
            (K2_AUTO, K2_AUTO.replace("[0]", "[2]"))],
        "encoder-outputs", "Keras documentation", SHAPES),
    "k2_whole_decoder_fed_mean": (
        "auto_add_loss_whole", [(K2_AUTO, K2_AUTO.replace("[0]", "[1]"))],
        "decoder-input", "feeds the mean",
        SHAPES + ["encoder-outputs", "sampling"]),
    "k2_whole_spread_exp_log_var": (
        "auto_add_loss_whole", [(K2_SAMPLE, K2_SAMPLE.replace(
            "0.5 * z_log_var", "z_log_var"))],
        "sampling", "exp(log_var / 2)",
        SHAPES + ["activations", "encoder-outputs", "decoder-input"]),
}


def write(out: Path, defects: dict, source) -> None:
    """Applies each defect to its source text; writes folders + manifest."""
    if out.exists():
        shutil.rmtree(out)
    out.mkdir()
    manifest = {}
    for name, (origin, edits, check, words, passes) in defects.items():
        task, text = source(origin)
        for old, new in edits:
            if text.count(old) != 1:
                raise SystemExit(f"{name}: {old!r} found "
                                 f"{text.count(old)} times")
            text = text.replace(old, new)
        folder = out / name
        folder.mkdir()
        path = folder / f"{STEMS[task]}.py"
        path.write_text(text)
        os.chmod(path, 0o755)
        manifest[name] = {"task": task, "fails": check, "words": words,
                          "passes": passes}
    (out / "manifest.json").write_text(json.dumps(manifest, indent=1) + "\n")
    print(f"{len(manifest)} faulty submissions written to {out}")


def main() -> None:
    write(OUT, DEFECTS,
          lambda task: (task, (ROOT / f"{STEMS[task]}.py").read_text()))
    styles = HERE / "keras2" / "correct"
    write(HERE / "keras2" / "faulty", KERAS2_DEFECTS,
          lambda style: (3, (styles / style / f"{STEMS[3]}.py").read_text()))


if __name__ == "__main__":
    main()
