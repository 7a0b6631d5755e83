"""Known causes of errors in putting the models together, in the course's
words: a Lambda whose function uses a tensor of the model it is not given,
a TensorFlow function Keras 2 cannot record as a layer, ``keras.Model``
given something other than tensors as its outputs, a layer or model called
on something other than a tensor, and ``autoencoder`` defined with another
signature than the task's.

Recognisers read a :class:`grader.judge.failure.Failure` only (the
exception, its chain, the stage and the student's line); the causes are
part of :data:`grader.judge.causes.CAUSES`, which orders them.
"""
from __future__ import annotations

import re

from grader.judge.failure import Cause, Failure, _when

KERAS_TENSOR = (r"KerasTensor cannot be used as input to a TensorFlow "
                r"function", r"A KerasTensor is symbolic")
TYPESPEC = r"Could not build a TypeSpec for KerasTensor"
IN_LAMBDA = (r"infer the shape of the Lambda's output",
             r"calling Lambda\.call\(\)", r'calling layer "lambda')
OUTPUTS = (r"Output tensors of a Functional model must be the output of a "
           r"TensorFlow `?Layer`?.*?Found: (.*)",
           r"All `?outputs`? values must be KerasTensors.*?including "
           r"invalid value (.*) of type <class '([^']+)'>")
LAYER_INPUT = (r"Inputs to a layer should be tensors\. Got '(.*?)' \(of "
               r"type <class '([^']+)'>\)")


def lambda_outer_tensor(f: Failure) -> dict | None:
    """A Lambda's function used a tensor of the model from outside it:
    Keras 2 cannot type the Lambda's output, Keras 3 meets a KerasTensor
    while running the function."""
    keras2 = bool(f.says(TYPESPEC)) and "Lambda" in f.code
    keras3 = bool(f.says(*KERAS_TENSOR) and f.says(*IN_LAMBDA))
    return _when(keras2 or keras3)


def keras2_typespec(f: Failure) -> dict | None:
    """Keras 2 met one of its symbolic tensors where a TensorFlow value
    was needed (a function it cannot record as a layer)."""
    return _when(bool(f.says(TYPESPEC)))


def kind_of(value: str, type_path: str = "") -> str:
    """'model', 'layer', 'function', 'none' or 'value': what a library's
    text (an object's repr and its class's path) says was passed."""
    text = f"{type_path} {value}"
    if value.strip() == "None":
        return "none"
    if re.search(r"<function |'function'|\bfunction\b", text):
        return "function"
    if re.search(r"\b(Functional|Sequential|Model)\b|\.models?\.", text):
        return "model"
    if re.search(r"\.layers\.|<\w+ name=", text):
        return "layer"
    return "value"


WHAT = {"none": "None (what a function without a return, or a variable "
                "left unset, gives)",
        "function": "a Python function (not what it returns)",
        "model": "a model (not its output)",
        "layer": "a layer that was created but never called on a tensor",
        "value": "a value that no layer computed"}
OUTPUT_FIX = {
    "none": "pass the tensor itself, and make the function that builds it "
            "return it",
    "function": "call the function and pass the tensor it returns",
    "model": "call the model on a tensor and pass what it returns, e.g. "
             "auto = keras.Model(inputs, decoder(encoder(inputs)))",
    "layer": "call each layer on the tensor before it, x = keras.layers."
             "Dense(units, activation='relu')(x), and pass that x",
    "value": "pass the output tensor of the model's last layer"}
INPUT_FIX = {
    "model": "call it on a tensor: decoder(encoder(inputs)) feeds the "
             "decoder the encoder's output, decoder(encoder) the encoder "
             "itself",
    "layer": "call each layer on a tensor, x = keras.layers.Dense(units)(x), "
             "never on another layer"}


def model_outputs_not_tensors(f: Failure) -> dict | None:
    """keras.Model(...) given outputs that are not layers' outputs."""
    found = f.says(*OUTPUTS)
    if not found:
        return None
    groups = found.groups() + ("",)
    kind = kind_of(groups[0], groups[1] or "")
    return {"what": WHAT[kind], "fix": OUTPUT_FIX[kind]}


def called_on_non_tensor(f: Failure) -> dict | None:
    """A layer or model called on a model, a layer or another object."""
    found = f.says(LAYER_INPUT)
    if not found:
        return None
    kind = kind_of(found.group(1), found.group(2))
    return {"what": WHAT[kind], "fix": INPUT_FIX.get(
        kind, "call it on the tensor the layer before it returned")}


TAKES = (r"autoencoder\(\) takes (?:from \d+ to )?(\d+) positional "
         r"arguments? but (\d+) (?:were|was) given")
MISSING = (r"autoencoder\(\) missing \d+ required (?:positional |keyword-"
           r"only )?arguments?: (.+)")
KEYWORD = r"autoencoder\(\) got an unexpected keyword argument '(\w+)'"


def signature_mismatch(f: Failure) -> dict | None:
    """autoencoder defined with another number of arguments (or names)
    than the task's signature, which the grader calls it with."""
    if not f.params:
        return None
    fields = {"signature": f"autoencoder({', '.join(f.params)})",
              "count": str(len(f.params))}
    takes, missing, keyword = (f.says(TAKES), f.says(MISSING),
                               f.says(KEYWORD))
    if takes:
        left = f.params[int(takes.group(1)):]
        out = (f"; {' and '.join(left)} {'is' if len(left) == 1 else 'are'}"
               " left out" if left else "")
        return dict(fields, yours=f"yours takes {takes.group(1)}{out}")
    if missing:
        return dict(fields, yours="yours also asks for "
                    f"{missing.group(1)}, which the task does not give")
    if keyword:
        return dict(fields, yours=f"yours has no argument "
                    f"'{keyword.group(1)}'")
    return None


# Before the causes that read the KerasTensor message alone.
LAMBDA_CAUSES: tuple[Cause, ...] = (
    Cause("lambda-outer-tensor", lambda_outer_tensor,
          "the Lambda's function uses a tensor of the model that it is not "
          "given as input (e.g. log_var taken from the enclosing function "
          "while only mean is passed): a Lambda runs its function on its "
          "inputs only, and a tensor from outside is a symbolic "
          "placeholder there, so neither Keras 2 nor Keras 3 can compute "
          "the layer's output (line: {line})",
          "pass every tensor the function uses as the Lambda's input: z = "
          "keras.layers.Lambda(sampling)([mean, log_var]) with def "
          "sampling(args): mean, log_var = args; or, better, write the "
          "sampling as a Layer subclass (see the reference)"),
)

MODEL_CAUSES: tuple[Cause, ...] = (
    Cause("keras2-typespec", keras2_typespec,
          "Keras 2 was given one of the model's symbolic tensors where a "
          "real value is needed (line: {line}): a TensorFlow function it "
          "cannot record as a layer (such as tf.map_fn or tf.while_loop), "
          "or a Lambda whose function uses a tensor it is not given",
          "do that computation inside a layer whose call takes every tensor "
          "it uses as input: a Layer subclass, or a Lambda given [mean, "
          "log_var]"),
    Cause("outputs-not-tensors", model_outputs_not_tensors,
          "keras.Model(inputs, outputs) was given as outputs {what}; "
          "outputs must be tensors that layers computed from the inputs "
          "(what calling a layer or a model on a tensor returns)",
          "{fix}"),
    Cause("called-on-non-tensor", called_on_non_tensor,
          "a layer or model was called on {what}; layers and models take "
          "tensors", "{fix}"),
    Cause("signature-mismatch", signature_mismatch,
          "the task asks for {signature}, and the grader calls it with those "
          "{count} arguments; {yours}",
          "define {signature} as the task says, and use every argument"),
)
