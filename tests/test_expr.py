"""The rule expansion language: grammar, static evaluation, lazy branches, signatures."""

import pytest

from threepio.rules.expr import ExprError, parse_expr, parse_signature
from threepio.rules.helpers import HELPERS


class Ctx:
    """A minimal evaluation context that records emitted commands."""

    prefixes = ("tf",)

    def __init__(self, **vars):
        self.vars = dict(vars)
        self.emitted = []

    def emit(self, cmd, args, kwargs, n_outputs=1):
        self.emitted.append((cmd, args, kwargs))
        k = len(self.emitted)
        return f"<{cmd}#{k}>" if n_outputs == 1 else tuple(f"<{cmd}#{k}.{j}>"
                                                             for j in range(n_outputs))

    def helper(self, name):
        return HELPERS.get(name)

    def helper_names(self):
        return HELPERS.keys()


def ev(text, **vars):
    ctx = Ctx(**vars)
    return parse_expr(text).ev(ctx), ctx.emitted


@pytest.mark.parametrize("text, value", [
    ("1 + 2 * 3", 7), ("(1 + 2) * 3", 9), ("7 // 2 - -1", 4), ("7 % 4", 3), ("1.5e1", 15.0),
    ("[1, 2, 3][1:]", [2, 3]), ("[1, 2, 3][:-1]", [1, 2]), ("[4, 5][-1]", 5),
    ("1 < 2 and not 2 < 1", True), ("3 in [1, 2]", False), ("3 not in [1, 2]", True),
    ("'a' if 1 == 2 else 'b'", "b"), ("null == null", True), ("[1, 2] == [1, 2]", True),
    ("(1, 2)", (1, 2)), ("len([1, 2, 3]) + max(1, 5)", 8), ("norm_dims([-1, 0], 3)", [2, 0]),
    ("perm_swap(4, 1, -1)", [0, 3, 2, 1]), ("pair(3)", [3, 3]), ("reversed(range(3))", [2, 1, 0]),
])
def test_static_evaluation(text, value):
    assert ev(text)[0] == value


def test_statements_and_calls_emit_in_order():
    value, emitted = ev("t = tf.matMul(x, w, false, true)\ntf.add(t, b)", x="X", w="W", b="B")
    assert [e[0] for e in emitted] == ["tf.matMul", "tf.add"]
    assert emitted[0][1] == ["X", "W", False, True]
    assert emitted[1][1] == ["<tf.matMul#1>", "B"]
    assert value == "<tf.add#2>"


def test_a_command_with_several_outputs_unpacks_into_names():
    value, emitted = ev("v, i = tf.topk(x, 3)\n(i, v)", x="X")
    assert emitted == [("tf.topk", ["X", 3], {})]
    assert value == ("<tf.topk#1.1>", "<tf.topk#1.0>")
    assert ev("a, b = pair(2)\na + b")[0] == 4


def test_unpacking_the_wrong_number_of_values_is_an_error():
    with pytest.raises(ExprError, match=r"cannot unpack \[2, 2\] into 3 names \(a, b, c\)"):
        ev("a, b, c = pair(2)\na")


def test_untaken_branch_emits_nothing():
    _, emitted = ev("tf.add(x, b) if b != null else x", x="X", b=None)
    assert emitted == []


def test_comments_and_multiline_calls():
    text = "y = tf.f(x,   # first\n         1)\n# whole-line comment\ny"
    value, emitted = ev(text, x="X")
    assert value == "<tf.f#1>" and len(emitted) == 1


def test_unknown_name_lists_known_names():
    with pytest.raises(ExprError, match=r"unknown name 'q'; known: x"):
        ev("q + 1", x=1)


def test_unknown_function_is_refused():
    with pytest.raises(ExprError, match=r"unknown function 'np.add'.*start with tf\."):
        ev("np.add(x, x)", x=1)


def test_syntax_error_has_caret():
    with pytest.raises(ExprError) as e:
        parse_expr("tf.add(x,, 1)")
    assert "^" in str(e.value) and "tf.add(x,, 1)" in str(e.value)


def test_signatures():
    s = parse_signature("addmm(self, mat1, mat2, *, beta=1, alpha=1.0)")
    assert s.positional == ("self", "mat1", "mat2") and s.keyword == ("beta", "alpha")
    assert dict(s.defaults) == {"beta": 1, "alpha": 1.0}
    v = parse_signature("view(self, *shape)")
    assert v.varargs == "shape" and v.positional == ("self",)
    assert str(parse_signature("linear(input, weight, bias=null)")) == \
        "linear(input, weight, bias=None)"
