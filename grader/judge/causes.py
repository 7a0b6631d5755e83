"""Known causes of the errors student code raises, in the course's words.

Judge side only: this module reads the plain error dicts the workers send
(:func:`grader.measure.errors.error_info`: the exception's type and message,
its chain, the student's line and function, whether the student's code or
a library raised it) plus the stage the grader was at, and never runs
student code. Each recogniser in ``CAUSES`` looks at what the code did (the
exception, its message, the line) and names the cause and its fix; an error
nobody recognises still says what the grader was doing when it happened.

Text from the libraries is cleaned of terminal codes and cut at a sentence
boundary (never mid-word) before it reaches any feedback.
"""
from __future__ import annotations

from grader.judge.failure import Cause, Failure, _when
from grader.judge.model_causes import KERAS_TENSOR, LAMBDA_CAUSES, MODEL_CAUSES
from grader.judge.text import describe, doing, plain, shorten  # noqa: F401
from grader.measurements import ErrorInfo

KERAS2_SYMBOLIC = (r"Keras symbolic (tensors|inputs)",
                   r"intermediate (TF-)?Keras symbolic input/output",
                   r"symbolic (TF-)?Keras input/output")
INPUT_COUNT = (r"expects (\d+) (?:named )?input\(s\).*?received (\d+) "
               r"input tensors")


def keras_tensor_loss(f: Failure) -> dict | None:
    """A KerasTensor met while training: the loss function used one."""
    return _when(bool(f.says(*KERAS_TENSOR)) and f.training)


def keras_tensor_add_loss(f: Failure) -> dict | None:
    """A KerasTensor met on a line that calls add_loss."""
    return _when(bool(f.says(*KERAS_TENSOR) and "add_loss" in f.code))


def keras_tensor(f: Failure) -> dict | None:
    """A KerasTensor given to a TensorFlow function."""
    return _when(bool(f.says(*KERAS_TENSOR)))


def keras2_symbolic_loss(f: Failure) -> dict | None:
    """Keras 2's words for a symbolic tensor used eagerly."""
    return _when(bool(f.says(*KERAS2_SYMBOLIC)))


def decoder_fed_three(f: Failure) -> dict | None:
    """A one-input model called with three tensors."""
    found = f.says(INPUT_COUNT)
    if found and found.group(1) == "1" and found.group(2) == "3":
        return {}
    return None


def wrong_input_count(f: Failure) -> dict | None:
    """A model called with a number of tensors it does not take."""
    found = f.says(INPUT_COUNT)
    if found:
        return {"takes": found.group(1), "got": found.group(2)}
    return None


def shape_not_tuple(f: Failure) -> dict | None:
    """A number where Keras 3 wants a shape tuple."""
    found = f.says(r"Cannot convert '(\d+)' to a shape")
    return _when(bool(found), value=found.group(1) if found else "")


def lambda_output_shape(f: Failure) -> dict | None:
    """Keras 3 could not run a Lambda's function symbolically."""
    if not f.says(r"could not automatically infer the shape of the "
                  r"Lambda's output"):
        return None
    inner = ""
    if f.says(r"Failed to convert elements of \(None", r"None values not "
              r"supported", r"partially known TensorShape"):
        inner = (" (here it made a shape with None in it: the batch size "
                 "is None while the model is built, so mean.shape[0] cannot "
                 "give epsilon's shape)")
    return {"inner": inner}


def none_in_shape(f: Failure) -> dict | None:
    """A shape with the unknown batch size (None) in it."""
    return _when(bool(f.says(r"Failed to convert elements of \(None",
                             r"partially known TensorShape",
                             r"None values not supported")))


def debugger_left_in(f: Failure) -> dict | None:
    """The debugger quit for want of input."""
    return _when(f.type == "BdbQuit")


def loss_indexes_prediction(f: Failure) -> dict | None:
    """A loss between tensors of different ranks."""
    return _when(bool(f.says(r"Arguments `?target`? and `?output`? must "
                             r"have the same rank")))


def loop_variable_unbound(f: Failure) -> dict | None:
    """A variable read before any assignment ran."""
    found = f.says(r"cannot access local variable '(\w+)'",
                   r"local variable '(\w+)' referenced before assignment")
    if f.type == "UnboundLocalError" and found:
        return {"name": found.group(1)}
    return None


def optimizer_lr(f: Failure) -> dict | None:
    """Keras 2's lr argument of an optimizer."""
    return _when(bool(f.says(r"Argument\(s\) not recognized: \{'lr'",
                             r"unexpected keyword argument 'lr'")))


def unknown_keyword(f: Failure) -> dict | None:
    """A keyword argument the layer or function does not take."""
    found = f.says(r"Unrecognized keyword arguments? (?:passed to )?"
                   r"(\w+)?:? ?(\{[^}]*\}|\[[^]]*\])",
                   r"Argument\(s\) not recognized: (\w*)(\{[^}]*\})",
                   r"unexpected keyword argument '(\w*)()")
    if found:
        return {"names": found.group(2) or f"'{found.group(1)}'"}
    return None


def index_past_end(f: Failure) -> dict | None:
    """The student's own code indexed past the end of a list."""
    return _when(f.type == "IndexError" and f.raised_in == "student"
                 and bool(f.says(r"list index out of range")))


def exits(f: Failure) -> dict | None:
    """The file called exit() or sys.exit()."""
    return _when(f.type == "SystemExit")


def out_of_memory(f: Failure) -> dict | None:
    """Memory ran out."""
    return _when(f.type == "MemoryError" or bool(
        f.says(r"OOM when allocating", r"ResourceExhaustedError")))


LAYER_FIX = ("do it inside a layer, whose call runs on real tensors: a "
             "Sampling layer (a keras.layers.Layer subclass) for z, and a "
             "layer that adds the KL term with self.add_loss (see the "
             "reference's KLDivergenceLoss); such layers work under Keras 2 "
             "and 3")

# Most specific first: the first recogniser that matches explains.
CAUSES: tuple[Cause, ...] = LAMBDA_CAUSES + (
    Cause("keras-tensor-loss", keras_tensor_loss,
          "the loss function uses tensors of the model (such as mean and "
          "log_var) that it does not receive as arguments; that was "
          "possible in Keras 2, but under Keras 3 a loss function gets only "
          "y_true and y_pred, and the model's own tensors are symbolic "
          "placeholders (KerasTensors) that cannot be computed with",
          "keep only the reconstruction term in the loss function and add "
          "the KL term in a layer that calls self.add_loss in its call "
          "(see the reference's KLDivergenceLoss)", keras_code=2),
    Cause("keras-tensor-add-loss", keras_tensor_add_loss,
          "add_loss on the functional model with a value computed from its "
          "symbolic tensors is Keras 2 code; under Keras 3 those tensors "
          "are placeholders (KerasTensors) and such a value cannot be "
          "computed",
          "add the KL term from inside a layer instead: " + LAYER_FIX,
          keras_code=2),
    Cause("keras-tensor", keras_tensor,
          "a keras.backend (or TensorFlow) function was applied to the "
          "model's symbolic tensors outside a layer (line: {line}), e.g. to "
          "draw z or to compute a KL term for auto.add_loss; that is Keras "
          "2 code: under Keras 3 the tensors of a model being built are "
          "placeholders (KerasTensors) that only Keras layers can take",
          LAYER_FIX + "; or build the value from keras.layers", keras_code=2),
    Cause("keras2-symbolic", keras2_symbolic_loss,
          "a loss function or add_loss uses tensors of the model (such as "
          "mean and log_var) that are symbolic while the model is built; "
          "even Keras 2 cannot compute a training step from them",
          "keep only y_true and y_pred in the loss function and add the KL "
          "term in a layer that calls self.add_loss in its call (see the "
          "reference's KLDivergenceLoss)"),
) + MODEL_CAUSES + (
    Cause("decoder-fed-three", decoder_fed_three,
          "the decoder takes one input, z, but was given all three outputs "
          "of the encoder ([z, mean, log_var])",
          "feed it z only: auto = keras.Model(inputs, "
          "decoder(encoder(inputs)[0]))"),
    Cause("wrong-input-count", wrong_input_count,
          "a model that takes {takes} input(s) was called with {got} tensors",
          "call each model with exactly the inputs it was built with"),
    Cause("shape-not-tuple", shape_not_tuple,
          "shape=({value}) is the number {value} in parentheses, not a "
          "tuple: without a comma, (input_dims) is just input_dims; Keras 3 "
          "needs a tuple (Keras 2 also accepted a number)",
          "write the comma: keras.Input(shape=(input_dims,))", keras_code=2),
    Cause("lambda-output-shape", lambda_output_shape,
          "Keras 3 runs the function of a Lambda layer once on a symbolic "
          "batch to learn its output shape, and the function failed "
          "there{inner}",
          "draw epsilon with keras.backend.random_normal(keras.backend."
          "shape(mean)), and give the Lambda output_shape=(latent_dims,) "
          "or, better, write the sampling as a Layer subclass"),
    Cause("none-in-shape", none_in_shape,
          "a shape with None in it was used: the batch size is None while "
          "the model is built, so mean.shape[0] (or a shape taken from it) "
          "cannot size epsilon",
          "take the shape at run time: keras.backend.random_normal("
          "keras.backend.shape(mean))"),
    Cause("debugger-left-in", debugger_left_in,
          "the file stops in the Python debugger (a pdb.set_trace() or "
          "breakpoint() left in); the grader types nothing, so the "
          "debugger quits and the run ends there",
          "remove the breakpoint before submitting"),
    Cause("loss-indexes-prediction", loss_indexes_prediction,
          "the loss compares y_true with a tensor of another rank: y_pred is "
          "one tensor, the decoder's output for the whole batch, so "
          "y_pred[0] is the first sample, not an output of the model",
          "use y_pred as it is, e.g. keras.losses.binary_crossentropy("
          "y_true, y_pred)"),
    Cause("loop-variable-unbound", loop_variable_unbound,
          "'{name}' is set only inside a loop that did not run for these "
          "arguments (with a single hidden layer a loop over "
          "hidden_layers[1:] runs zero times), and is then used (line: "
          "{line})",
          "do not reuse the encoder's loop variable: build the decoder with "
          "its own loop, e.g. for units in reversed(hidden_layers)"),
    Cause("optimizer-lr", optimizer_lr,
          "lr is the name Keras 2 used for the learning rate; Keras 3's "
          "optimizers only know learning_rate",
          "write keras.optimizers.Adam(learning_rate=...), or simply "
          "optimizer='adam'", keras_code=2),
    Cause("unknown-keyword", unknown_keyword,
          "an argument this Keras version does not know was passed "
          "({names}); some names changed between Keras 2 and Keras 3",
          "look the layer or function up in the Keras documentation and use "
          "the argument names it lists"),
    Cause("index-past-end", index_past_end,
          "your code reads past the end of a list (line: {line}); for these "
          "arguments the list is shorter than the code assumes",
          "make the code work for any hidden_layers (or filters), "
          "including a single one, by looping over the list"),
    Cause("exits", exits,
          "the file calls exit() or sys.exit(), which ends the grading",
          "a task file only defines its function: remove the exit"),
    Cause("out-of-memory", out_of_memory,
          "the models (or something the code allocates) need more memory "
          "than the grader allows",
          "check the layer sizes: they come from the arguments, nothing "
          "should be allocated beyond the models"),
)


def recognise(error: ErrorInfo, stage: str | None = None,
              params: tuple[str, ...] = ()) -> tuple[Cause, str] | None:
    """(the cause, its 'cause: ... / fix: ...' text) for a known error;
    ``params`` is the task's signature, where known."""
    failure = Failure.of(error, stage, params)
    for cause in CAUSES:
        text = cause.explain(failure)
        if text is not None:
            return cause, text
    return None


def feedback(error: ErrorInfo, action: str, stage: str | None = None,
             params: tuple[str, ...] = ()) -> str:
    """What the grader was doing, the error, and its cause and fix.

    ``action`` names the step with its arguments (e.g. "building the models
    with autoencoder(784, [512], 2)"); known causes add two lines.
    ``params``, the task's signature, lets a call that does not fit it be
    explained.
    """
    text = f"{action} raised {describe(error)}"
    found = recognise(error, stage, params)
    return text + (f"\n{found[1]}" if found else "")


def keras_code(error: ErrorInfo, stage: str | None = None) -> int | None:
    """The Keras version a known cause says the failing code was written
    for (2 for Keras 2 code failing under Keras 3), else None."""
    found = recognise(error, stage)
    return found[0].keras_code if found else None
