"""Regenerate the tensorflow.org fixture pages of the TF HTML scraper from the installed TensorFlow.

    TF_CPP_MIN_LOG_LEVEL=2 python -m threepio.scrapers.make_tf_fixture_pages [OUT_DIR]

What this produces, honestly: tensorflow.org's API reference is built by TensorFlow's
``tools/docs/generate2.py``, which runs the ``tensorflow_docs.api_generator`` over the whole ``tf``
module. The generator writes **Markdown** files (one per symbol, ``tf/math/add.md``, plus one per
module and ``all_symbols.md``) whose structured parts are raw HTML blocks: the signature
``<pre class="... tfo-signature-link"><code>tf.math.add(...)</code></pre>``, the ``View aliases``
section and the ``Args`` / ``Returns`` / ``Raises`` tables. Google's DevSite then renders that
Markdown to the HTML pages tensorflow.org serves, adding its own page chrome.

This script runs the same generator, with a visitor that picks the ``tf_export`` canonical name
as ``generate2.py``'s does, restricted to :data:`SYMBOLS` (a small sample of the op modules),
and renders each Markdown file to HTML with markdown-it (CommonMark: raw HTML blocks pass through
unchanged). The pages therefore carry the generator's HTML blocks byte for byte, but not DevSite's
chrome, and Markdown *inside* those blocks (backticks in table cells, the aliases list) stays
literal where DevSite would turn it into ``<code>``; the scraper reads text, so both forms parse.
Relative ``.md`` links are rewritten to site paths (``/api_docs/python/tf/math/add``), as DevSite
serves them, and the Markdown front matter (``description: ...``) becomes the
``<meta name="description">`` DevSite emits.

The output folder mirrors the site's URL paths: ``tf.html`` is
``https://www.tensorflow.org/api_docs/python/tf``, ``tf/math/add.html`` is ``.../tf/math/add``.
"""

from __future__ import annotations

import html
import pathlib
import re
import shutil
import sys
import tempfile

#: the sampled public API: module (as tensorflow.org names it) -> members to keep. Chosen to
#: cover aliases (tf.add -> tf.math.add), string/tuple/None/dtype/function defaults, a variadic
#: signature (tf.print), a default shown as source text (tf.image.resize) and each op module.
#: Every public name of a sampled function is kept, and the dtypes its defaults use, so the
#: pages show the aliases and default links the full site shows.
SYMBOLS = {
    "tf": {"add", "argmax", "cast", "clip_by_value", "concat", "matmul", "one_hot", "ones",
           "print", "reduce_sum", "reshape",
           "bitwise", "dtypes", "image", "linalg", "math", "nn", "random", "signal"},
    "tf.math": {"add", "argmax", "reduce_sum", "softmax"},
    "tf.nn": {"conv2d", "relu", "softmax"},
    "tf.linalg": {"matmul"},
    "tf.random": {"uniform"},
    "tf.image": {"resize"},
    "tf.signal": {"hann_window", "stft"},
    "tf.bitwise": {"bitwise_and"},
    "tf.dtypes": {"cast", "float32", "int32", "int64"},
}
SITE_PATH = "api_docs/python"
DEFAULT_OUT = pathlib.Path(__file__).resolve().parents[1] / "tests/data/docs/tf"


def keep_sample(path, parent, children):
    """A ``traverse`` filter: only the members of :data:`SYMBOLS` are documented."""
    allowed = SYMBOLS.get(".".join(path), set())
    return [(name, child) for name, child in children if name in allowed]


def generate_markdown(md_dir: pathlib.Path) -> str:
    """Run the api_generator over the sample; returns the TensorFlow version documented."""
    import tensorflow as tf
    from tensorflow.python.util import tf_export
    from tensorflow_docs.api_generator import doc_generator_visitor, generate_lib, public_api

    class CanonicalNameVisitor(doc_generator_visitor.DocGeneratorVisitor):
        """Prefers the name ``tf_export`` declares first, as tensorflow.org's build does."""

        def _score_name(self, path):
            obj = self.path_tree[path].py_object
            canonical = tf_export.get_canonical_name_for_symbol(obj)
            is_canonical = canonical is not None and ".".join(path) == "tf." + canonical
            return (-1 if is_canonical else 1,) + tuple(super()._score_name(path))

    version = tf.__version__
    generator = generate_lib.DocGenerator(
        root_title="TensorFlow 2", py_modules=[("tf", tf)],
        base_dir=public_api.get_module_base_dirs(tf),
        code_url_prefix=f"https://github.com/tensorflow/tensorflow/blob/v{version}/tensorflow",
        callbacks=[keep_sample], visitor_cls=CanonicalNameVisitor, site_path=SITE_PATH,
        gen_report=False, api_cache=False)
    generator.build(md_dir)
    return version


_FRONT_MATTER = re.compile(r"\A((?:[a-z_]+: .*\n)+)\n")
_MD_LINK = re.compile(r'href="(?:\.\./|\./)*([\w./]+)\.md(#[\w-]*)?"')
_MD_LINK_MD = re.compile(r"\]\((?:\.\./|\./)*([\w./]+)\.md(#[\w-]*)?\)")


def render_page(md_text: str, version: str) -> str:
    """One generator Markdown file as an HTML page (see the module docstring for the caveats)."""
    from markdown_it import MarkdownIt

    meta = {}
    m = _FRONT_MATTER.match(md_text)
    if m:
        for line in m.group(1).splitlines():
            key, _, value = line.partition(": ")
            meta[key] = value
        md_text = md_text[m.end():]
    md_text = _MD_LINK_MD.sub(lambda g: f"](/{SITE_PATH}/{g.group(1)}{g.group(2) or ''})",
                              md_text)
    body = MarkdownIt("commonmark", {"html": True}).enable("table").render(md_text)
    body = _MD_LINK.sub(lambda g: f'href="/{SITE_PATH}/{g.group(1)}{g.group(2) or ""}"', body)
    title = re.search(r"<h1>(.*?)</h1>", body)
    head = [f"<title>{title.group(1) if title else ''} | TensorFlow v{version}</title>"]
    if "description" in meta:
        head.append(f'<meta name="description" content="{html.escape(meta["description"])}">')
    return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            + "\n".join(head) + "\n</head>\n<body>\n<div class=\"devsite-article-body\">\n"
            + body + "</div>\n</body>\n</html>\n")


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    out = pathlib.Path(argv[0]) if argv else DEFAULT_OUT
    with tempfile.TemporaryDirectory() as tmp:
        md_dir = pathlib.Path(tmp) / "md"
        version = generate_markdown(md_dir)
        if out.exists():
            shutil.rmtree(out)
        pages = 0
        for md in sorted(md_dir.rglob("*.md")):
            target = out / md.relative_to(md_dir).with_suffix(".html")
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(render_page(md.read_text(), version))
            pages += 1
    (out / "VERSION").write_text(version + "\n")
    size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    print(f"wrote {pages} pages ({size / 1024:.0f} KiB) for tensorflow {version} to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
