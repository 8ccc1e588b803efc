"""Regenerate the HTML fixture pages of the Sphinx scrapers, offline.

pytorch.org and numpy.org are built by Sphinx autodoc from the installed packages' docstrings;
this runs the same generator on the installed torch / numpy for a chosen list of objects and
writes one page per object, named as on the site (``generated/torch.add.html``)::

    python -m threepio.scrapers.make_fixture_pages torch        # the committed sample
    python -m threepio.scrapers.make_fixture_pages numpy --objects numpy.add,numpy.sum --out DIR

The committed sample lives in ``tests/data/docs/sphinx/<framework>/``. The pages use Sphinx's
``basic`` theme (no site chrome, small files); the autodoc markup the scraper reads is the same
as on the sites. Needs the ``docs`` extra (Sphinx).
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

#: the committed sample: a few of each shape (builtins with docstring signatures, overloads,
#: Python functions read with inspect, Tensor methods, ufuncs, ndarray methods, linalg)
SAMPLES = {
    "torch": (
        "torch.add", "torch.max", "torch.sum", "torch.empty", "torch.zeros", "torch.where",
        "torch.reshape", "torch.matmul", "torch.clamp", "torch.flatten", "torch.norm",
        "torch.randint",
        "torch.nn.functional.relu", "torch.nn.functional.conv2d", "torch.nn.functional.softmax",
        "torch.nn.functional.linear", "torch.linalg.norm", "torch.linalg.svd",
        "torch.Tensor.add", "torch.Tensor.view", "torch.Tensor.to", "torch.Tensor.backward",
    ),
    "numpy": (
        "numpy.add", "numpy.absolute", "numpy.sum", "numpy.mean", "numpy.reshape",
        "numpy.where", "numpy.arange", "numpy.linspace", "numpy.concatenate", "numpy.zeros",
        "numpy.full", "numpy.take_along_axis", "numpy.einsum", "numpy.linalg.norm",
        "numpy.linalg.svd", "numpy.ndarray.reshape", "numpy.ndarray.astype", "numpy.transpose",
    ),
}

CONF = """\
project = "threepio fixture pages"
extensions = ["sphinx.ext.autodoc", "sphinx.ext.napoleon"]
html_theme = "basic"
html_use_index = False
html_copy_source = False
html_show_sourcelink = False
html_show_sphinx = False
html_last_updated_fmt = None
html_domain_indices = False
add_module_names = True
napoleon_google_docstring = True
napoleon_numpy_docstring = True
"""


def _directive(name: str) -> tuple[str, str]:
    """``(current module, autodoc directive)`` for a dotted object name."""
    import importlib

    parts = name.split(".")
    for i in range(len(parts) - 1, 0, -1):
        module = ".".join(parts[:i])
        try:
            importlib.import_module(module)
        except ImportError:
            continue
        rest = ".".join(parts[i:])
        kind = "automethod" if len(parts) - i == 2 else "autofunction"
        return module, f".. {kind}:: {rest}"
    raise SystemExit(f"{name}: not an importable object name (e.g. torch.add, numpy.ndarray.sum)")


def build(names: list[str], out: Path, *, quiet: bool = True) -> list[Path]:
    """Write ``out/generated/<name>.html`` for each name; returns the written files."""
    from sphinx.cmd.build import build_main

    with tempfile.TemporaryDirectory(prefix="threepio-sphinx-") as tmp:
        src, dst = Path(tmp, "src"), Path(tmp, "html")
        (src / "generated").mkdir(parents=True)
        (src / "conf.py").write_text(CONF)
        (src / "index.rst").write_text("Fixture pages\n=============\n\n.. toctree::\n"
                                       "   :glob:\n\n   generated/*\n")
        for name in names:
            module, directive = _directive(name)
            (src / "generated" / f"{name}.rst").write_text(
                f"{name}\n{'=' * len(name)}\n\n.. currentmodule:: {module}\n\n{directive}\n")
        args = ["-b", "html", "-E", "-j", "1"] + (["-q"] if quiet else []) + [str(src), str(dst)]
        code = build_main(args)
        if code:
            raise SystemExit(f"sphinx-build failed with exit code {code}")
        written = []
        target = out / "generated"
        if target.exists():
            shutil.rmtree(target)
        target.mkdir(parents=True)
        for name in names:
            page = dst / "generated" / f"{name}.html"
            text = page.read_text(encoding="utf-8")
            (target / page.name).write_text(text, encoding="utf-8")
            written.append(target / page.name)
        return written


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m threepio.scrapers.make_fixture_pages",
                                 description=__doc__.split("\n\n")[0])
    ap.add_argument("framework", choices=sorted(SAMPLES))
    ap.add_argument("--objects", help="comma-separated object names (default: the sample)")
    ap.add_argument("--out", type=Path, help="output folder (default: "
                    "tests/data/docs/sphinx/<framework>)")
    ap.add_argument("--verbose", action="store_true", help="show Sphinx's output")
    a = ap.parse_args(argv)
    names = a.objects.split(",") if a.objects else list(SAMPLES[a.framework])
    out = a.out or Path(__file__).resolve().parent.parent / "tests/data/docs/sphinx" / a.framework
    files = build(names, out, quiet=not a.verbose)
    size = sum(f.stat().st_size for f in files)
    print(f"{len(files)} pages, {size / 1024:.0f} KiB in {out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
