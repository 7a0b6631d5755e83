"""Task 3's variational parts: encoder outputs, sampling, what the decoder
is fed, the reconstruction and KL terms of the loss, one training step."""
from __future__ import annotations

import itertools
from typing import Any

import numpy as np

from grader.judge.evidence import Evidence, Side
from grader.judge.verdict import Verdict
from grader.judge.registry import check
from grader.judge.checks.loading import error_feedback
from grader.judge.tolerances import (BCE_EPSILON, LOSS_NAMING_ATOL,
                                     LOSS_NAMING_RTOL, LOSS_RTOL, NO_SPREAD,
                                     RANDOM_ATOL, SAME_OUTPUT_ATOL, SE_BANDS,
                                     SPREAD_CAUSE_ATOL, VAR0_ATOL, VAR0_RTOL,
                                     close, step_verdict)

SPREAD_STD = 0.5  # exp(log(0.25) / 2), the forced log variance


def stochastic(s: Side) -> list[bool]:
    """Which of the encoder's outputs change between two calls."""
    return [not close(a, b, rtol=0, atol=RANDOM_ATOL)
            for a, b in zip(s["encoder_out"], s.get("encoder_again", []))]


@check("encoder-outputs", "encoder returns [z, mean, log_var]", 3, ("vae",),
       requires=("returns",))
def encoder_outputs(ev: Evidence) -> Verdict:
    """The encoder returns [z, mean, log_var], z the random one."""
    for argset, s, _r in ev.pairs():
        outs = s["encoder_out"]
        if len(outs) != 3:
            only = " (only z?)" if len(outs) == 1 else ""
            return Verdict.fail(f"for {argset.call()} the encoder returns "
                                f"{len(outs)} output(s){only}; expected "
                                "three: [z, mean, log_var]")
        random = stochastic(s)
        if random == [False, False, True]:
            return Verdict.fail(
                f"for {argset.call()} the encoder returns [mean, log_var, "
                "z] (only the last output is random), the order of the "
                "Keras documentation's VAE example; this task asks for "
                "[z, mean, log_var]")
        if random != [True, False, False]:
            which = [i for i, flag in enumerate(random) if flag]
            return Verdict.fail(
                f"for {argset.call()} the encoder's first output must be the "
                "random sample z and the other two (mean, log_var) "
                "deterministic; found random outputs (encoding the same "
                f"batch twice): {which or 'none'}")
        if not s.get("heads"):
            latent = argset.args[2]
            fused = [row for row in s.rows("encoder")
                     if row.units == 2 * latent]
            hint = (" (one Dense layer of 2 * latent_dims units split in "
                    "two?)" if fused else "")
            return Verdict.fail(
                f"for {argset.call()} the mean and the log variance must "
                "each be the output of its own Dense layer; no Dense layer "
                f"produced encoder outputs 1 and 2{hint}")
    return Verdict.ok()


@check("sampling", "z = mean + exp(log_var / 2) * epsilon", 4, ("vae",),
       requires=("encoder-outputs", "activations"))
def sampling(ev: Evidence) -> Verdict:
    """z is mean + exp(log_var / 2) * epsilon, epsilon standard normal."""
    for argset, s, _r in ev.pairs():
        noise = np.asarray(s["spread"]["noise"], "float64")
        rows, dims = noise.shape
        n = noise.size
        std, mean = noise.std(), noise.mean()
        tested = f"for {argset.call()} with log_var forced to log(0.25): "
        if rows > 1 and std > 0 and np.allclose(noise, noise[:1],
                                                atol=SAME_OUTPUT_ATOL):
            return Verdict.fail(tested + "every row of the batch gets the "
                                "same noise vector: draw epsilon with the "
                                "shape of the mean (batch, latent_dims)")
        if dims > 1 and np.allclose(noise, noise[:, :1],
                                    atol=SAME_OUTPUT_ATOL) and \
                std > 0:
            return Verdict.fail(tested + "every latent dimension gets the "
                                "same noise: draw epsilon with the shape of "
                                "the mean")
        se_std = SPREAD_STD / np.sqrt(2 * n)
        if abs(std - SPREAD_STD) > SE_BANDS * se_std:
            cause = ""
            if np.isclose(std, 0.25, atol=SPREAD_CAUSE_ATOL[0.25]):
                cause = ": that is exp(log_var), expected exp(log_var / 2)"
            elif np.isclose(std, 1.0, atol=SPREAD_CAUSE_ATOL[1.0]):
                cause = ": the noise is not scaled by exp(log_var / 2)"
            elif std < NO_SPREAD:
                cause = ": z does not vary at all"
            return Verdict.fail(
                f"{tested}z - mean has standard "
                f"deviation {std:.4f}, expected 0.5 = exp(log_var / 2) "
                f"(+/- {SE_BANDS * se_std:.4f}){cause}")
        se_mean = SPREAD_STD / np.sqrt(n)
        if abs(mean) > SE_BANDS * se_mean:
            return Verdict.fail(f"{tested}z - mean averages {mean:.4f}, "
                                "expected 0: epsilon must have mean 0")
        corr = np.corrcoef(noise[:, 0], noise[:, 1])[0, 1] if dims > 1 else 0
        if abs(corr) > SE_BANDS / np.sqrt(rows):
            return Verdict.fail(f"{tested}the noise of latent dimensions 1 "
                                f"and 2 is correlated ({corr:.3f}, expected "
                                "about 0); draw independent epsilon for "
                                "each dimension")
    return Verdict.ok()


@check("decoder-input", "auto feeds z to the decoder", 3, ("vae",),
       requires=("encoder-outputs", "activations"))
def decoder_input(ev: Evidence) -> Verdict:
    """``auto`` feeds the sampled z (not mean or log_var) to the decoder."""
    for argset, s, _r in ev.pairs():
        feed = s["feed"]
        tested = f"for {argset.call()}: "
        if close(feed["auto_1"], feed["auto_2"], rtol=0,
                 atol=SAME_OUTPUT_ATOL):
            if close(feed["auto_1"], feed["decoder_of_mean"]):
                return Verdict.fail(tested + "auto feeds the mean to the "
                                    "decoder; it must feed the sample z "
                                    "(encoder output 0)")
            if close(feed["auto_1"], feed["decoder_of_log_var"]):
                return Verdict.fail(tested + "auto feeds the log variance to "
                                    "the decoder; it must feed the sample z")
            return Verdict.fail(tested + "auto's output is not random (the "
                                "same batch gives the same output twice): "
                                "the decoder must be fed the sample z")
        zero = s["loss_var0"]
        if not close(zero["auto"], zero["decoded"], rtol=VAR0_RTOL,
                     atol=VAR0_ATOL):
            return Verdict.fail(tested + "with the variance near zero auto(x) "
                                "should equal decoder(mean), but it does "
                                "not: auto must be decoder(encoder(x)[0])")
    return Verdict.ok()


def _recon_terms(x: Any, decoded: Any) -> dict[str, np.ndarray]:
    """Candidate reconstruction terms, per row."""
    x = np.asarray(x, "float64")
    y = np.clip(np.asarray(decoded, "float64"), BCE_EPSILON,
                1 - BCE_EPSILON)
    bce = -(x * np.log(y) + (1 - x) * np.log(1 - y))
    return {
        "binary cross-entropy summed over the features": bce.sum(axis=1),
        "binary cross-entropy averaged over the features": bce.mean(axis=1),
        "squared error summed over the features": ((x - y) ** 2).sum(axis=1),
        "mean squared error": ((x - y) ** 2).mean(axis=1),
        "no reconstruction term": np.zeros(len(x)),
    }


def _kl_terms(mean: Any, log_var: Any) -> dict[str, float]:
    """Candidate KL terms, averaged over the rows."""
    m, v = np.asarray(mean, "float64"), np.asarray(log_var, "float64")
    kl = -0.5 * np.sum(1 + v - m ** 2 - np.exp(v), axis=1)
    return {
        "KL divergence": kl.mean(),
        "no KL term": 0.0,
        "KL with the wrong sign": -kl.mean(),
        "KL averaged over the latent dimensions": kl.mean() / m.shape[1],
        "KL summed over the batch": kl.sum(),
        "KL with exp(log_var / 2) for the variance": (-0.5 * np.sum(
            1 + v - m ** 2 - np.exp(v / 2), axis=1)).mean(),
        "KL treating log_var as a log standard deviation": (-0.5 * np.sum(
            1 + 2 * v - m ** 2 - np.exp(2 * v), axis=1)).mean(),
    }


def explain_loss(s: Side) -> tuple[str, str] | None:
    """(reconstruction, KL) names that reproduce both measured losses."""
    x = s["x"]
    configs = [(s["loss_var0"], x), (s["loss_kl"], x)]
    measured = [c["loss"] for c, _ in configs]
    if any(m is None for m in measured):
        return None
    recon = [_recon_terms(xx, c["decoded"]) for c, xx in configs]
    kls = [_kl_terms(c["mean"], c["log_var"]) for c, _ in configs]
    for r_name, k_name in itertools.product(recon[0], kls[0]):
        if all(np.isclose(recon[i][r_name].mean() + kls[i][k_name],
                          measured[i], rtol=LOSS_NAMING_RTOL,
                          atol=LOSS_NAMING_ATOL)
               for i in range(2)):
            return r_name, k_name
    return None


def loss_verdict(ev: Evidence, part: str) -> Verdict:
    """The verdict on one part of the VAE loss (reconstruction or KL)."""
    good = {"reconstruction": "binary cross-entropy summed over the features",
            "kl": "KL divergence"}[part]
    for argset, s, r in ev.pairs():
        error = s.get("train_error") or (s.get("loss_kl") or {}).get("error")
        if error:
            return Verdict.fail(error_feedback(error, "train",
                                               argset.call()))
        pairs = [(s["loss_var0"]["loss"], r["loss_var0"]["loss"]),
                 (s["loss_kl"]["loss"], r["loss_kl"]["loss"])]
        if all(np.isclose(a, b, rtol=LOSS_RTOL) for a, b in pairs):
            continue
        names = explain_loss(s)
        if names is not None:
            found = names[0] if part == "reconstruction" else names[1]
            if found == good:
                continue
            return Verdict.fail(
                f"for {argset.call()} the loss uses {found}; the task's loss "
                "is the binary cross-entropy summed over the features plus "
                "-0.5 * sum(1 + log_var - mean^2 - exp(log_var)), averaged "
                "over the batch")
        return Verdict.fail(
            f"for {argset.call()} auto's loss on fixed batches is "
            f"{pairs[0][0]:.6g} and {pairs[1][0]:.6g}, expected "
            f"{pairs[0][1]:.6g} and {pairs[1][1]:.6g} (first with the "
            "variance near zero, then with the decoder blind to z)")
    return Verdict.ok()


@check("reconstruction-loss", "reconstruction loss (BCE summed)", 3, ("vae",),
       requires=("encoder-outputs", "forward-pass", "decoder-input"))
def reconstruction_loss(ev: Evidence) -> Verdict:
    """The reconstruction term is binary cross-entropy summed over pixels."""
    return loss_verdict(ev, "reconstruction")


@check("kl-divergence", "KL divergence term", 3, ("vae",),
       requires=("encoder-outputs", "forward-pass", "decoder-input"))
def kl_divergence(ev: Evidence) -> Verdict:
    """The KL term is -0.5 * sum(1 + log_var - mean^2 - exp(log_var))."""
    return loss_verdict(ev, "kl")


@check("vae-training-step", "one training step matches the reference", 2,
       ("vae",), requires=("reconstruction-loss", "kl-divergence",
                           "optimizer"))
def vae_training_step(ev: Evidence) -> Verdict:
    """One training step changes the weights as the reference's does."""
    return step_verdict(ev)
