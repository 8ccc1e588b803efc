"""Shared fixtures: the spine's models traced once per session."""

import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "examples"))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


@pytest.fixture(scope="session")
def mnist():
    import mnist as module

    return module


@pytest.fixture(scope="session")
def mlp_step_plan(mnist):
    import threepio

    return threepio.trace(mnist.mlp_step, mnist.mlp_step_example(),
                          output_names=mnist.MLP_STEP_OUTPUTS)


@pytest.fixture(scope="session")
def tfjs_mlp_step(mlp_step_plan):
    import threepio

    return threepio.translate(mlp_step_plan, "tfjs")
