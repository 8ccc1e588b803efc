"""Errors raised by threepio.

Every error says what is wrong, where (file, line, op) and what to do next. They all derive
from :class:`ThreepioError`, so a caller can catch one type; the CLI maps them to exit codes.
"""

from __future__ import annotations


class ThreepioError(Exception):
    """Base class of all threepio errors."""


class PlanFormatError(ThreepioError, ValueError):
    """A plan file (JSON or text) is malformed: the message names the file, op index and field."""


class PlanLintError(ThreepioError):
    """A plan is well-formed but inconsistent (a use before definition, a duplicate name...)."""


class RuleFileError(ThreepioError):
    """A mapping file is broken: the message names the YAML file and line."""


class TranslationError(ThreepioError):
    """An op cannot be translated exactly to the target. Never a guess: translation stops."""

    def __init__(self, message: str, *, op: str = "", index: int = -1, target: str = "",
                 suggestions: tuple[str, ...] = ()):
        super().__init__(message)
        self.op = op
        self.index = index
        self.target = target
        self.suggestions = suggestions


class TraceError(ThreepioError):
    """A PyTorch program could not be traced into a plan."""


class PlanInputError(ThreepioError, ValueError):
    """Inputs given to run a plan do not match its signature (count, shape, dtype or range)."""


class ExecutionError(ThreepioError):
    """An op failed while a backend executed it; the message names the op and its source line."""


class GuardError(ExecutionError):
    """A plan's guard did not hold: the inputs take a branch PyTorch did not take when the plan
    was traced (a value its code read, e.g. a validity check); trace again with such inputs."""


class BackendUnavailable(ThreepioError):
    """A backend's framework (TensorFlow, Node with TF.js...) is not installed or not runnable."""
