"""The words of a student's exception, as the worker records them: the same
file gets the same message on every run."""
from __future__ import annotations

from grader.measure.errors import error_info


def raised(exc: BaseException) -> BaseException:
    try:
        raise exc
    except BaseException as caught:  # noqa: B036 (the test raises it)
        return caught


def test_a_memory_address_in_the_message_is_the_same_on_every_run():
    # Keras 2 quotes the object it refused: "<...Functional object at
    # 0x7f...>", an address that differs between runs.
    texts = [error_info(raised(TypeError(
        f"Output tensors of a Functional model must be the output of a "
        f"TensorFlow Layer. Found: <keras.engine.functional.Functional "
        f"object at {address}>")), "student.py")
        for address in ("0x7f3a2b1c0d90", "0x7fe04c2a1b50")]
    assert texts[0]["message"] == texts[1]["message"]
    assert texts[0]["detail"] == texts[1]["detail"]
    assert "Functional object at 0x…" in texts[0]["message"]


def test_small_hex_numbers_and_colours():
    info = error_info(raised(ValueError(
        "\x1b[1mexpected\x1b[0m flag 0x10, got 0x20")), "student.py")
    assert info["message"] == "expected flag 0x10, got 0x20"


def test_the_chain_is_plain_too():
    try:
        try:
            raise KeyError("object at 0xdeadbeef12")
        except KeyError as inner:
            raise ValueError("outer") from inner
    except ValueError as exc:
        info = error_info(exc, "student.py")
    assert info["chain"][0]["message"] == "'object at 0x…'"
