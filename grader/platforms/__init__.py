"""Packaging for the platforms schools grade on: Gradescope (an autograder
zip), GitHub Classroom (a workflow file) and PrairieLearn (documented in
the README; it needs only ``--format prairielearn``).

The scripts and the workflow are templates in ``templates/``; the formats
they write are in :mod:`grader.report`. :mod:`.submission_limit` is what
the Gradescope zip runs to limit graded submissions per student.
"""
