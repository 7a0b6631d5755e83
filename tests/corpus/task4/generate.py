#!/usr/bin/env python3
"""Writes tests/corpus/task4/faulty/: one real-world defect of task 4's
add_noise per folder, each an exact substitution in the reference
4-denoising.py (the script fails if one no longer applies), with a
manifest of the check each must fail, words its feedback must contain and
the add_noise checks it must still pass. Run it again after changing the
reference's add_noise."""
import json
import os
import shutil
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent.parent
OUT = HERE / "faulty"

RNG = "    rng = np.random.default_rng(seed)\n"
DRAW = "    noise = rng.standard_normal(images.shape)\n"
CLIP = "    noisy = np.clip(images + noise_factor * noise, 0., 1.)\n"
RETURN = "    return noisy.astype(images.dtype)\n"
ADD = "add-noise"
ALL = [ADD, "noise-input-kept", "noise-mean", "noise-scale",
       "noise-clipping", "noise-independence", "noise-seed"]


def but(*checks: str) -> list[str]:
    """Every add_noise check except ``checks``."""
    return [c for c in ALL if c not in checks]


# name: ([(old, new), ...], failing check, words, checks that still pass)
DEFECTS = {
    "not_clipped": ([(CLIP, "    noisy = images + noise_factor * noise\n")],
                    "noise-clipping", "clip the noisy images to [0, 1]",
                    but("noise-clipping", "noise-scale")),
    "clipped_before_adding": (
        [(CLIP, "    noisy = np.clip(images, 0., 1.) + noise_factor * noise"
                "\n")],
        "noise-clipping", "after adding the noise",
        but("noise-clipping", "noise-scale")),
    "rescaled_not_clipped": (
        [(CLIP, "    noisy = images + noise_factor * noise\n"
                "    noisy = (noisy - noisy.min()) / (noisy.max() - "
                "noisy.min())\n")],
        "noise-clipping", "not be rescaled",
        but("noise-clipping", "noise-scale", "noise-mean")),
    "factor_ignored": ([(CLIP, CLIP.replace("noise_factor * noise",
                                            "noise"))],
                       "noise-scale", "not multiplied by noise_factor",
                       but("noise-scale")),
    "factor_twice": ([(CLIP, CLIP.replace("noise_factor * noise",
                                          "noise_factor ** 2 * noise"))],
                     "noise-scale", "multiplied by noise_factor twice",
                     but("noise-scale")),
    "uniform_noise": ([(DRAW, "    noise = rng.random(images.shape)\n")],
                      "noise-mean", "uniform in [0, 1)",
                      [ADD, "noise-input-kept", "noise-independence",
                       "noise-seed"]),
    "uniform_unit_spread": (
        [(DRAW, "    noise = np.sqrt(3) * rng.uniform(-1, 1, images.shape)"
                "\n")],
        "noise-scale", "not Gaussian", but("noise-scale")),
    "one_draw_for_all": ([(DRAW, "    noise = rng.standard_normal()\n")],
                         "noise-independence", "does not vary",
                         [ADD, "noise-input-kept", "noise-seed"]),
    "one_draw_per_image": (
        [(DRAW, "    noise = rng.standard_normal((len(images),) + (1,) * "
                "(images.ndim - 1))\n")],
        "noise-independence", "neighbouring values along axis 1",
        [ADD, "noise-input-kept", "noise-seed"]),
    "same_noise_every_image": (
        [(DRAW, "    noise = rng.standard_normal(images.shape[1:])\n")],
        "noise-independence", "consecutive images",
        [ADD, "noise-input-kept", "noise-seed"]),
    "seed_ignored": ([(RNG, "    rng = np.random.default_rng()\n")],
                     "noise-seed", "the seed is not used", but("noise-seed")),
    "seed_hard_coded": ([(RNG, "    rng = np.random.default_rng(0)\n")],
                        "noise-seed", "the seed argument is ignored",
                        but("noise-seed")),
    "stateful_tf_seed": (
        [(RNG + DRAW, "    noise = keras.backend.random_normal("
                      "images.shape, seed=seed).numpy()\n")],
        "noise-seed", "other calls move on", but("noise-seed")),
    "input_modified": (
        [(CLIP + RETURN, "    images += noise_factor * noise\n"
                         "    np.clip(images, 0., 1., out=images)\n"
                         "    return images\n")],
        "noise-input-kept", "changed the images", but("noise-input-kept")),
    "integer_pixels": ([(RETURN, "    return (noisy * 255).astype('uint8')"
                                 "\n")],
                       ADD, "expected floating-point values", []),
    "no_seed_argument": ([("def add_noise(images, noise_factor, seed):",
                           "def add_noise(images, noise_factor):"),
                          (RNG, "    rng = np.random.default_rng()\n")],
                         ADD, "yours takes other arguments", []),
    "no_add_noise": ([("def add_noise(images, noise_factor, seed):",
                       "def noisy(images, noise_factor, seed):")],
                     ADD, "has no function add_noise", []),
}


def main() -> None:
    """Writes the folders and the manifest."""
    source = (ROOT / "4-denoising.py").read_text()
    if OUT.exists():
        shutil.rmtree(OUT)
    OUT.mkdir()
    manifest = {}
    for name, (edits, check, words, passes) in DEFECTS.items():
        text = source
        for old, new in edits:
            if text.count(old) != 1:
                raise SystemExit(f"{name}: {old!r} found "
                                 f"{text.count(old)} times")
            text = text.replace(old, new)
        folder = OUT / name
        folder.mkdir()
        path = folder / "4-denoising.py"
        path.write_text(text)
        os.chmod(path, 0o755)
        manifest[name] = {"task": 4, "fails": check, "words": words,
                          "passes": passes}
    (OUT / "manifest.json").write_text(json.dumps(manifest, indent=1)
                                       + "\n")
    print(f"{len(manifest)} faulty submissions written to {OUT}")


if __name__ == "__main__":
    main()
