"""The running stage, parent side and without TensorFlow: the OS sandbox,
the fork server, the workers' outcomes and the reference's cached
measurements."""
