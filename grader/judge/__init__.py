"""The judging stage: measurements in, verdicts out (the engine, the
evidence, the checks, tolerances, causes and file rules). No TensorFlow,
no student code."""
