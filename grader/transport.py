"""Plain-data transport between a worker and the parent: JSON plus arrays.

A result is a tree of dicts, lists, numbers, strings and NumPy arrays. It is
stored as one ``.npz``: arrays under numbered keys, the tree as JSON with
``{"__array__": key}`` in their places. Loading never unpickles anything.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np


def dump(tree: Any, path: Path | BinaryIO) -> None:
    """Writes ``tree`` to ``path`` (an ``.npz`` file, or a binary file)."""
    if isinstance(path, (str, Path)):  # np.savez would add ".npz"
        with open(path, "wb") as handle:
            dump(tree, handle)
        return
    arrays: dict[str, np.ndarray] = {}

    def encode(node: Any) -> Any:
        """Arrays out of the tree, into ``arrays``."""
        if isinstance(node, np.ndarray):
            key = f"a{len(arrays)}"
            arrays[key] = node
            return {"__array__": key}
        if isinstance(node, dict):
            return {str(k): encode(v) for k, v in node.items()}
        if isinstance(node, (list, tuple)):
            return [encode(v) for v in node]
        if isinstance(node, (np.floating, np.integer, np.bool_)):
            return node.item()
        return node

    meta = json.dumps(encode(tree))
    # numpy's stubs read **arrays as its keyword allow_pickle: ignored.
    np.savez(path, __meta__=np.frombuffer(meta.encode(), np.uint8),
             **arrays)  # type: ignore[arg-type]


def load(path: Path | BinaryIO) -> Any:
    """Reads a tree written by :func:`dump`."""
    with np.load(path, allow_pickle=False) as data:
        arrays = {key: data[key] for key in data.files}
    meta = json.loads(arrays.pop("__meta__").tobytes().decode())

    def decode(node: Any) -> Any:
        """Arrays back into the tree."""
        if isinstance(node, dict):
            if set(node) == {"__array__"}:
                return arrays[node["__array__"]]
            return {k: decode(v) for k, v in node.items()}
        if isinstance(node, list):
            return [decode(v) for v in node]
        return node

    return decode(meta)
