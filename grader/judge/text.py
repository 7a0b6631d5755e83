"""Library text made fit for feedback: terminal codes and control
characters removed, cut at a sentence boundary (never mid-word), an error
dict in one line, and the words for what the grader was doing."""
from __future__ import annotations

import re

from grader.measurements import ErrorInfo

ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b[@-Z\\-_]")
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
MESSAGE_LIMIT = 240  # characters of a library message shown in feedback


def plain(text: str) -> str:
    """``text`` without terminal colour codes or other control characters
    (newlines and tabs kept)."""
    return CONTROL.sub("", ANSI.sub("", str(text)))


def cut_off_dump(sentence: str) -> bool:
    """A sentence that is the start of a dump of values (a tensor's repr
    cut where its numbers began)."""
    return "<tf.Tensor" in sentence or sentence.rstrip().endswith(
        ("=", "[", "(", "{", ","))


def shorten(text: str, limit: int = MESSAGE_LIMIT) -> str:
    """One line of at most about ``limit`` characters, cut after a whole
    sentence; a first sentence longer than that is cut before a word. A
    trailing dump of values is left out."""
    sentences = re.split(r"(?<=[.!?])\s+(?=[A-Z`'\"(\[])",
                         " ".join(plain(text).split()))
    while len(sentences) > 1 and cut_off_dump(sentences[-1]):
        sentences.pop()
    text = " ".join(sentences)
    if len(text) <= limit:
        return text
    kept = ""
    for sentence in sentences:
        if len(kept) + len(sentence) + 1 > limit:
            break
        kept = f"{kept} {sentence}".strip()
    if kept:
        return kept
    cut = text[:limit].rsplit(" ", 1)[0].rstrip(",;: ")
    return f"{cut} ..."


FRAMING = ("Exception encountered when calling", "Call arguments received",
           "Arguments received")


def describe(error: ErrorInfo) -> str:
    """'Type: message (line N: code)', the message shortened and plain."""
    where = error.get("where") or {}
    location = ""
    if where.get("line"):
        location = (f" (line {where['line']}: "
                    f"{shorten(where.get('code', ''), 120)})")
    message = plain(error.get("message", "")).strip()
    if message.startswith(FRAMING) or not message:
        # Keras wraps the cause: show the detail's first telling line.
        lines = [line.strip() for line in plain(
            error.get("detail", "")).splitlines() if line.strip()]
        message = next((line for line in lines
                        if not line.startswith(FRAMING + ("•",))), message)
    message = shorten(message)
    kind = plain(error.get("type", ""))
    return f"{kind}: {message}{location}" if message else kind + location


def doing(stage: str | None, call: str, filename: str = "") -> str:
    """A sentence fragment for what the grader was doing at ``stage``."""
    if stage in (None, "", "import"):
        return f"importing {filename}" if filename else "loading the file"
    if stage == "build":
        return f"building the models with {call}"
    if stage.startswith("call "):
        model = stage[len("call "):]
        return (f"calling the {model} that {call} returned, on a batch of "
                "16 inputs")
    if stage == "train":
        return (f"one training step of auto (auto.train_on_batch on a "
                f"fixed batch) for {call}")
    if stage == "training":
        return (f"the seeded training of {call} (auto.fit, 2 epochs on 320 "
                "images)")
    if stage == "measure":
        return f"measuring the models of {call} with the grader's weights"
    return f"{stage} for {call}"
