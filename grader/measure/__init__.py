"""The measuring stage, inside a sandboxed worker only: loads a task file,
traces and measures its models, and writes plain data (see
:mod:`grader.measurements`). Nothing here judges."""
