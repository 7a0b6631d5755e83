"""Autograder for the autoencoders exercises (tasks 0-3)."""
