"""The Python-signature grammar (scrapers/pysig.lark) on tricky lines and on the real signature
lines of the installed torch and numpy docstrings."""

import importlib

import pytest
from threepio.scrapers.pysig import SignatureError, parse_signature, signature_lines


def _p(text):
    name, params, returns = parse_signature(text)
    return name, [(p.name, p.kind, p.default) for p in params], returns


def test_torch_docstring_line():
    assert _p("add(input, other, *, alpha=1, out=None) -> Tensor") == (
        "add", [("input", "positional", None), ("other", "positional", None),
                ("alpha", "keyword_only", "1"), ("out", "keyword_only", "None")], "Tensor")


def test_method_line_and_html_arrow():
    assert _p("Tensor.add(other, *, alpha=1) → Tensor") == (
        "Tensor.add", [("other", "positional", None), ("alpha", "keyword_only", "1")], "Tensor")


def test_var_positional_then_bare_star():
    name, params, returns = _p("empty(*size, *, out=None, layout=torch.strided, "
                               "memory_format=torch.contiguous_format) -> Tensor")
    assert params == [("size", "var_positional", None), ("out", "keyword_only", "None"),
                      ("layout", "keyword_only", "torch.strided"),
                      ("memory_format", "keyword_only", "torch.contiguous_format")]


def test_numpy_ufunc_line_with_optional_group():
    name, params, returns = parse_signature(
        "add(x1, x2, /, out=None, *, where=True, casting='same_kind', order='K', dtype=None, "
        "subok=True[, signature])")
    assert [(p.name, p.kind) for p in params[:4]] == [
        ("x1", "positional_only"), ("x2", "positional_only"), ("out", "positional"),
        ("where", "keyword_only")]
    assert params[4].default == "'same_kind'"
    assert (params[-1].name, params[-1].kind, params[-1].optional) == ("signature",
                                                                       "keyword_only", True)
    assert returns is None


@pytest.mark.parametrize("text", [
    "arange([start,] stop[, step,], dtype=None, *, like=None)",   # numpy docstring
    "numpy.arange([start, ]stop, [step, ]dtype=None, *, like=None)",   # as Sphinx renders it
])
def test_optional_groups(text):
    _, params, _ = parse_signature(text)
    assert [(p.name, p.optional) for p in params] == [
        ("start", True), ("stop", False), ("step", True), ("dtype", False), ("like", False)]


def test_group_before_slash():
    _, params, _ = parse_signature("where(condition, [x, y], /)")
    assert [(p.name, p.kind, p.optional) for p in params] == [
        ("condition", "positional_only", False), ("x", "positional_only", True),
        ("y", "positional_only", True)]


def test_defaults_are_canonical():
    _, params, _ = _p('f(a=(1,2), b=[1, -2], c="same", d=-1, e=-1.5e-3, f=(1,), '
                      'g=torch.contiguous_format, h=<no value>, i=<class \'float\'>, '
                      'j=dict(a=1), k={}, l=1./8, m=...)')
    assert dict((n, d) for n, _, d in params) == {
        "a": "(1, 2)", "b": "[1, -2]", "c": "'same'", "d": "-1", "e": "-1.5e-3", "f": "(1,)",
        "g": "torch.contiguous_format", "h": "<no value>", "i": "<class 'float'>",
        "j": "dict(a=1)", "k": "{}", "l": "1./8", "m": "..."}


def test_annotations_kept_as_written():
    _, params, returns = parse_signature(
        "softmax(input: Tensor, dim: int | None = None, dtype: Optional[_dtype]=None, "
        "other: Union[ForwardRef('Tensor'), int], model: Callable[~_T, ~_R] | None = None, "
        "*args: Any, **kwargs) -> torch.Tensor")
    assert [(p.name, p.kind, p.type, p.default) for p in params] == [
        ("input", "positional", "Tensor", None), ("dim", "positional", "int | None", "None"),
        ("dtype", "positional", "Optional[_dtype]", "None"),
        ("other", "positional", "Union[ForwardRef('Tensor'), int]", None),
        ("model", "positional", "Callable[~_T, ~_R] | None", "None"),
        ("args", "var_positional", "Any", None), ("kwargs", "var_keyword", None, None)]
    assert returns == "torch.Tensor"


def test_cpp_style_types_and_tuple_returns():
    _, params, returns = parse_signature("linalg.lu_factor(A, *, bool pivot=True, out=None) "
                                         "-> (Tensor, Tensor)")
    assert (params[1].name, params[1].type, params[1].kind, params[1].default) == (
        "pivot", "bool", "keyword_only", "True")
    assert returns == "(Tensor, Tensor)"


@pytest.mark.parametrize("text,column,what", [
    ("f(a=1 b)", 7, "missing comma"),
    ("f(a, b", 6, "unexpected end"),
    ("f(a, a)", 3, "appears twice"),
    ("f(a, $b)", 6, "unexpected character '$'"),
    ("not a signature", 5, "unexpected"),
])
def test_errors_name_the_column(text, column, what):
    with pytest.raises(SignatureError) as e:
        parse_signature(text)
    assert e.value.column == column
    assert what in str(e.value)
    assert f"column {column}" in str(e.value) and "^" in str(e.value)


def test_signature_lines_overloads_and_rst():
    doc = ("\nmax(input, *, out=None) -> Tensor\n\nReturns the maximum.\n\n"
           ".. function:: max(input, dim, keepdim=False, *, out=None) -> (Tensor, LongTensor)\n"
           "   :noindex:\n\nfull_like(input, fill_value, \\*, dtype=None) -> Tensor\n")
    lines, rest = signature_lines(doc, "max")
    assert lines == ["max(input, *, out=None) -> Tensor",
                     "max(input, dim, keepdim=False, *, out=None) -> (Tensor, LongTensor)"]
    assert rest.lstrip().startswith("Returns the maximum.")
    # RST escapes and a signature spanning two lines (numpy's einsum)
    assert signature_lines("full_like(input, \\*, dtype=None, \\\n   layout=None)", "full_like"
                           )[0] == ["full_like(input, *, dtype=None, layout=None)"]
    assert signature_lines("other(x)\n", "max") == ([], "other(x)")


# -- the real lines ------------------------------------------------------------------------

NAMESPACES = {"torch": ("torch", "torch.nn.functional", "torch.linalg"),
              "numpy": ("numpy", "numpy.linalg", "numpy.fft")}
CLASSES = {"torch": ("torch", "Tensor"), "numpy": ("numpy", "ndarray")}
#: measured on torch 2.13.0 (1060 of 1061 lines parse; the exception is
#: `unify_type_list(arg0: collections.abc.Sequence[c10::Type]) -> c10::Type`, C++ syntax) and
#: numpy 2.4.6 (201 of 201)
FLOOR = {"torch": 0.995, "numpy": 0.995}


def _real_lines(framework):
    lines = []
    owners = [importlib.import_module(ns) for ns in NAMESPACES[framework]]
    mod, cls = CLASSES[framework]
    owners.append(getattr(importlib.import_module(mod), cls))
    for owner in owners:
        for name in sorted(dir(owner)):
            if name.startswith("_"):
                continue
            obj = getattr(owner, name, None)
            doc = getattr(obj, "__doc__", None)
            if isinstance(obj, type) or not isinstance(doc, str) or doc == type(obj).__doc__:
                continue
            lines += signature_lines(doc, name)[0]
    return sorted(set(lines))


@pytest.mark.parametrize("framework", ["torch", "numpy"])
def test_parse_rate_on_real_docstring_lines(framework):
    pytest.importorskip(framework)
    lines = _real_lines(framework)
    assert len(lines) >= 150, f"only {len(lines)} signature lines found in {framework}"
    failed = []
    for line in lines:
        try:
            parse_signature(line)
        except SignatureError as e:
            failed.append(f"{line}\n    {str(e).splitlines()[0]}")
    rate = 1 - len(failed) / len(lines)
    assert rate >= FLOOR[framework], (f"{framework}: {rate:.4f} of {len(lines)} lines parse; "
                                      "failures:\n" + "\n".join(failed[:20]))
