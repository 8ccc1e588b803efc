"""Conformance: every PyTorch OpInfo sample traced, translated and run on each target, compared
with PyTorch eager. ``python -m threepio.conformance`` (``make conformance``) runs the matrix;
results land in ``docs/coverage.json`` and ``docs/coverage.md``."""
