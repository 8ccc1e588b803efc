"""The TensorFlow scrapers: the installed package, the tensorflow.org pages of the committed sample
(tests/data/docs/tf, written by scrapers/make_tf_fixture_pages.py), and their agreement. No test
touches the network: the URL source is served from a fetcher cache filled from the sample."""

from __future__ import annotations

from pathlib import Path

import pytest
from threepio.scrapers import google_docstring, tf_docs, tf_html
from threepio.scrapers.http import Fetcher, FetchError

from threepio.catalog.model import Param, catalog_path, dump_catalog, read_catalog

SAMPLE = Path(__file__).parent / "data" / "docs" / "tf"
SAMPLE_FUNCTIONS = {
    "tf.bitwise.bitwise_and", "tf.cast", "tf.clip_by_value", "tf.concat", "tf.image.resize",
    "tf.linalg.matmul", "tf.math.add", "tf.math.argmax", "tf.math.reduce_sum", "tf.nn.conv2d",
    "tf.nn.relu", "tf.nn.softmax", "tf.one_hot", "tf.ones", "tf.print", "tf.random.uniform",
    "tf.reshape", "tf.signal.hann_window", "tf.signal.stft"}
#: the one place the pages and inspect differ in the sample: the site prints the default's
#: source expression (a module constant), inspect gives its value
KNOWN_DIFFERENCES = {("tf.image.resize", "method"): ("ResizeMethod.BILINEAR", "'bilinear'")}


@pytest.fixture(scope="module")
def package():
    report = tf_docs.ScrapeReport()
    return tf_docs.scrape(report=report), report


@pytest.fixture(scope="module")
def pages():
    report = tf_docs.ScrapeReport()
    return tf_html.scrape_pages(SAMPLE, report=report), report


def params(cmd):
    return [(p.name, p.kind, p.default) for p in cmd.params]


# -- the installed package -----------------------------------------------------------------------

def test_add_is_named_as_tensorflow_org_names_it(package):
    cat, _ = package
    add = cat.commands["tf.math.add"]
    assert params(add) == [("x", "positional", None), ("y", "positional", None),
                           ("name", "positional", "None")]
    assert add.aliases == ("tf.add",)
    assert "tf.add" not in cat.commands
    assert add.url == "https://www.tensorflow.org/api_docs/python/tf/math/add"
    assert add.summary == "Returns x + y element-wise."
    assert add.signature == "tf.math.add(x, y, name=None)"
    assert add.param("x").type == "tf.Tensor"


def test_defaults_as_the_site_writes_them(package):
    cat, _ = package
    conv = cat.commands["tf.nn.conv2d"]
    assert params(conv) == [("input", "positional", None), ("filters", "positional", None),
                            ("strides", "positional", None), ("padding", "positional", None),
                            ("data_format", "positional", "'NHWC'"),
                            ("dilations", "positional", "None"), ("name", "positional", "None")]
    assert cat.commands["tf.ones"].param("dtype").default == "tf.dtypes.float32"
    assert cat.commands["tf.signal.stft"].param("window_fn").default == "tf.signal.hann_window"
    assert cat.commands["tf.math.argmax"].param("output_type").default == "tf.dtypes.int64"


def test_variadic_parameters_and_canonical_names(package):
    cat, _ = package
    assert params(cat.commands["tf.print"]) == [("inputs", "var_positional", None),
                                                ("kwargs", "var_keyword", None)]
    assert cat.commands["tf.linalg.matmul"].aliases == ("tf.matmul",)
    assert cat.commands["tf.nn.softmax"].aliases == ("tf.math.softmax",)
    assert cat.commands["tf.cast"].aliases == ("tf.dtypes.cast",)
    # generated ops: the documented type wins over the `Annotated[Any, TV_...]` annotation
    band = cat.commands["tf.bitwise.bitwise_and"]
    assert band.signature.endswith("-> Annotated[Any, TV_BitwiseAnd_T]")
    assert band.param("x").type == "Tensor"


def test_scope_and_report(package):
    cat, report = package
    assert cat.version == "2.21.0" and cat.framework == "tf"
    assert cat.source.endswith("modules: " + ", ".join(tf_docs.MODULES))
    assert not any(n.startswith("tf.raw_ops.") for n in cat.commands)
    # a few canonical names lie outside the scope (tf.strings.as_string, tf.io.decode_png): they
    # are in the catalog because another of their names is in it (tf.as_string, tf.image.*)
    for name, cmd in cat.commands.items():
        assert any(n.rsplit(".", 1)[0] in tf_docs.MODULES for n in (name, *cmd.aliases)), name
    assert cat.commands["tf.strings.as_string"].aliases == ("tf.as_string",)
    seen, parsed = report.signatures["inspect"]
    assert seen == len(cat.commands) == parsed
    # every Args section found is counted; the ones that fail name their line
    assert report.args_sections > 0.9 * len(cat.commands)
    assert report.args_clean <= report.args_sections
    assert any(name == "tf.identity" and "Args line" in what for name, what in report.failures)


def test_committed_catalog_is_a_fresh_scrape(package):
    cat, _ = package
    path = catalog_path("tf", cat.version)
    assert path.read_text() == dump_catalog(cat), \
        "re-run `python -m threepio.scrapers.tf_docs --write`"
    assert read_catalog(path).commands["tf.math.add"] == cat.commands["tf.math.add"]


def test_other_versions_are_refused():
    with pytest.raises(tf_docs.ScrapeError, match="installed tensorflow is 2.21.0, not 2.4.0"):
        tf_docs.scrape("2.4.0")


# -- Google-style docstrings ---------------------------------------------------------------------

def test_args_section_entries_types_and_errors():
    doc = google_docstring.parse(
        "Sums `x`\nacross axes. More.\n\nArgs:\n  x: A `Tensor`. Must be\n    numeric.\n"
        "  axis (int, optional): The axis.\n  *rest: Others.\n  oops, not an entry\n\n"
        "Returns:\n  A `Tensor`. Has\n  the type of `x`.\n\n  Second paragraph.\n")
    assert doc.summary == "Sums `x` across axes."
    assert [(a.name, a.documented_type) for a in doc.args] == [
        ("x", "Tensor"), ("axis", "int, optional"), ("*rest", None)]
    assert doc.arg("x").description == "A `Tensor`. Must be numeric."
    assert doc.arg("rest").name == "*rest"
    assert doc.errors == ["line 9: not an `name: description` entry: 'oops, not an entry'"]
    assert doc.returns == "A `Tensor`. Has the type of `x`."


def test_leading_type_phrases():
    t = google_docstring.leading_type
    assert t("A `list` of integers, or a 1-D `Tensor` of type `int32`.") == \
        "list of integers, or a 1-D Tensor of type int32"
    assert t("An integer scalar `Tensor`. The window length.") == "integer scalar Tensor"
    assert t("A name for the operation (optional).") is None     # no `type` named
    assert t("The tensor to reduce.") is None


# -- tensorflow.org pages ------------------------------------------------------------------------

def test_sample_pages(pages):
    cat, report = pages
    assert cat.version == "2.21.0"
    assert cat.scraper == "threepio.scrapers.tf_html"
    assert set(cat.commands) == SAMPLE_FUNCTIONS
    assert report.signatures["html"] == [19, 19]
    add = cat.commands["tf.math.add"]
    assert params(add) == [("x", "positional", None), ("y", "positional", None),
                           ("name", "positional", "None")]
    assert add.aliases == ("tf.add",)
    assert add.signature == "tf.math.add(x, y, name=None)"
    assert cat.commands["tf.one_hot"].returns == "output: The one-hot tensor."
    assert cat.commands["tf.ones"].param("shape").type == \
        "list of integers, a tuple of integers, or a 1-D Tensor of type int32"


def test_sample_is_small():
    size = sum(p.stat().st_size for p in SAMPLE.rglob("*") if p.is_file())
    assert size < 1_000_000


def test_pages_and_package_agree(package, pages):
    pkg, _ = package
    html, _ = pages
    for name, page_cmd in html.commands.items():
        cmd = pkg.commands[name]
        for p_html, p_pkg in zip(page_cmd.params, cmd.params, strict=True):
            key = (name, p_html.name)
            if key in KNOWN_DIFFERENCES:
                assert (p_html.default, p_pkg.default) == KNOWN_DIFFERENCES[key]
                p_html = Param(p_html.name, p_html.kind, p_pkg.default, p_html.type,
                               p_html.optional)
            assert p_html == p_pkg, name
        assert (page_cmd.summary, page_cmd.returns, page_cmd.aliases, page_cmd.url) == \
            (cmd.summary, cmd.returns, cmd.aliases, cmd.url), name


def test_url_source_reads_the_cache_and_stays_offline(tmp_path, pages):
    base = "https://www.tensorflow.org/api_docs/python"
    fetcher = Fetcher(tmp_path, online=False)
    with pytest.raises(FetchError, match="not in the cache"):
        tf_html.scrape_pages(base, fetcher=fetcher)
    for page in SAMPLE.rglob("*.html"):
        fetcher.put(f"{base}/{page.relative_to(SAMPLE).with_suffix('').as_posix()}",
                    page.read_text())
    cat = tf_html.scrape_pages(base, fetcher=fetcher)
    assert cat.commands == pages[0].commands
    assert fetcher.misses == 0


def test_bad_sources_name_what_to_do(tmp_path):
    with pytest.raises(tf_docs.ScrapeError, match="not a folder of tensorflow.org pages"):
        tf_docs.scrape(source=tmp_path / "missing")
    (tmp_path / "tf").mkdir()
    with pytest.raises(tf_docs.ScrapeError, match="regenerate it with"):
        tf_docs.scrape(source=tmp_path)
    with pytest.raises(tf_docs.ScrapeError, match="documents TensorFlow 2.21.0, not 2.20.0"):
        tf_docs.scrape("2.20.0", source=SAMPLE)


def test_fixture_pages_regenerate_identically(tmp_path):
    pytest.importorskip("tensorflow_docs", reason="the docs extra regenerates the fixture pages")
    from threepio.scrapers import make_tf_fixture_pages

    assert make_tf_fixture_pages.main([str(tmp_path)]) == 0
    made = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*") if p.is_file())
    committed = sorted(p.relative_to(SAMPLE) for p in SAMPLE.rglob("*") if p.is_file())
    assert made == committed
    for rel in made:
        assert (tmp_path / rel).read_text() == (SAMPLE / rel).read_text(), rel
