"""Task 1's sparsity: an L1 activity penalty on the encoded output only."""
from __future__ import annotations

import numpy as np

from grader.judge.evidence import Evidence, Side
from grader.judge.verdict import Verdict
from grader.judge.registry import check
from grader.judge.tolerances import (FACTOR_RTOL, FACTOR_ZERO, LOSS_RTOL,
                                     PENALTY_ATOL, PENALTY_RTOL)


def penalty_cause(s: Side, lambtha: float) -> str | None:
    """The known defect behind a wrong penalty, read from the layers."""
    encoder = [r for r in s.rows("encoder") if r.weighted]
    decoder = [r for r in s.rows("decoder") if r.weighted]
    for model, rows in (("encoder", encoder), ("decoder", decoder)):
        for i, row in enumerate(rows):
            for kind in ("kernel_regularizer", "bias_regularizer"):
                if kind in row.regularizers:
                    return (f"{model} layer {i + 1} ({row.describe(False)}) "
                            f"has a {kind}: that penalizes weights; the task "
                            "penalizes the encoded output "
                            "(activity_regularizer)")
    activity = [(m, i, row) for m, rows in (("encoder", encoder),
                                            ("decoder", decoder))
                for i, row in enumerate(rows)
                if "activity_regularizer" in row.regularizers]
    latent = ("encoder", len(encoder) - 1)
    others = [f"{m} layer {i + 1} ({row.describe(False)})"
              for m, i, row in activity if (m, i) != latent]
    if others:
        return ("an activity penalty is on " + ", ".join(others[:3])
                + "; only the encoded output (the encoder's last layer) "
                "should have one")
    if not activity:
        return ("there is no penalty on the encoded output: give the latent "
                "Dense layer activity_regularizer=keras.regularizers.l1("
                "lambtha)")
    reg = activity[0][2].regularizers["activity_regularizer"]
    l1, l2 = reg.get("l1") or 0.0, reg.get("l2") or 0.0
    if abs(l2) > FACTOR_ZERO and abs(l1) < FACTOR_ZERO:
        return ("the penalty is L2; the task asks for L1 "
                "(keras.regularizers.l1)")
    if l1 and not np.isclose(l1, lambtha, rtol=FACTOR_RTOL):
        return (f"the L1 factor is {l1:g}, expected lambtha = {lambtha:g}: "
                "is lambtha passed through?")
    return None


@check("sparsity-penalty", "L1 penalty on the encoded output", 4, ("sparse",),
       requires=("forward-pass",))
def sparsity_penalty(ev: Evidence) -> Verdict:
    """The encoded output carries an L1 penalty of lambtha."""
    for argset, s, r in ev.pairs():
        lambtha = argset.args[3]
        mine, expected = s.get("penalty", 0.0), r["penalty"]
        if np.isclose(mine, expected, rtol=PENALTY_RTOL,
                      atol=PENALTY_ATOL):
            continue
        if mine == 0 and s.get("train_loss") is not None and np.isclose(
                s["train_loss"], r["train_loss"], rtol=LOSS_RTOL):
            continue  # the penalty is inside a custom loss or train_step
        cause = penalty_cause(s, lambtha)
        return Verdict.fail(
            f"for {argset.call()} the penalty is {mine:.6g}, expected "
            f"{expected:.6g} (lambtha * sum(|encoded|) / batch size)"
            + (f": {cause}" if cause else ""))
    return Verdict.ok()
