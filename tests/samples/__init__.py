"""Samples for the mapping part files, one module per part (see tests/op_samples.py)."""
