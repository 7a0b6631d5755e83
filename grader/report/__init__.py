"""Renderings of a finished report: one module per output format.

Each module turns a :class:`grader.results.Report` into one format (text,
Gradescope, PrairieLearn, Classroom 50, JUnit, CSV, pages) and never
recomputes a score: points and statuses come from the report as graded.
"""
