"""The TF.js scrapers: the API data of js.tensorflow.org (four releases in the shared fixtures),
the installed tfjs-core's .d.ts declarations, the signature grammar, and the committed catalogs
they produce."""

import json
from pathlib import Path

import pytest
from threepio.scrapers import tfjs_docs, tfjs_dts
from threepio.scrapers.dts_exports import exported_names
from threepio.scrapers.registry import scraper_for
from threepio.scrapers.tfjs_signature import parse_declaration, parse_paramstr

from threepio.catalog.model import catalog_path, dump_catalog, read_catalog
from threepio.errors import RuleFileError, ThreepioError

API = Path(__file__).resolve().parents[2] / "shared" / "fixtures" / "docs" / "tfjs-api"
VERSIONS = ["1.5.1", "2.8.6", "3.21.0", "4.22.0"]


def api_json(version):
    return json.loads((API / f"tfjs-core-{version}.json").read_text())


def documented_symbols(doc):
    """(qualified name, symbol) for every function and class method of the API data, walked
    independently of the scraper."""
    for heading in doc["docs"]["headings"]:
        for sub in heading["subheadings"]:
            for sym in sub.get("symbols") or []:
                ns = sym.get("namespace")
                ref = f"{ns}.{sym['symbolName']}" if ns else sym["symbolName"]
                if sym.get("isClass"):
                    for m in sym["methods"]:
                        yield f"tf.{ref}.{m['symbolName']}", m
                else:
                    yield f"tf.{ref}", sym


def test_fixtures_are_there():
    assert tfjs_docs.fixtures_dir() == API
    assert tfjs_docs.fixture_versions() == VERSIONS


# -- the grammar ----------------------------------------------------------------------------

def test_paramstr():
    x, axis, keep = parse_paramstr("(x, axis?, keepDims?)")
    assert (x.name, x.optional, axis.name, axis.optional, keep.optional) == \
        ("x", False, "axis", True, True)
    value, locs = parse_paramstr("(value, ...locs)")
    assert (value.kind, locs.name, locs.kind) == ("positional", "locs", "var_positional")
    assert parse_paramstr("()") == ()
    for bad in ("(x, ", "x, y", "(x y)", "(x??)", "(1x)"):
        assert parse_paramstr(bad) is None, bad


def test_declarations():
    d = parse_declaration("declare function abs_<T extends Tensor>(x: T | TensorLike): T;")
    assert (d.name, d.modifiers, d.returns) == ("abs_", ("declare",), "Tensor")
    assert [(p.name, p.type) for p in d.params] == [("x", "Tensor|TensorLike")]
    d = parse_declaration("static sgd(learningRate: number): SGDOptimizer;")
    assert d.modifiers == ("static",) and d.params[0].type == "number"
    d = parse_declaration("set(value: SingleValueMap[D], ...locs: number[]): void;")
    assert [(p.name, p.kind) for p in d.params] == [("value", "positional"),
                                                     ("locs", "var_positional")]
    d = parse_declaration("export declare function meshgrid<T extends Tensor>(x?: T | TensorLike,"
                          " { indexing }?: { indexing?: string; }): T[];")
    assert [p.name for p in d.params] == ["x", "__1"]      # TypeScript's name, as the site's
    d = parse_declaration("declare function grad(f: (x: Tensor) => Tensor): (x: TensorLike | "
                          "Tensor, dy?: TensorLike | Tensor) => Tensor;")
    assert d.params[0].type == "(x: Tensor) => Tensor" and d.returns.endswith("=> Tensor")
    d = parse_declaration('resizeBilinear: (images: import("@tensorflow/tfjs-core/dist/types")'
                          '.TensorLike, size: [number, number]) => void;')
    assert d is None    # a property, not a declaration
    assert parse_declaration("declare function f(x: number;") is None


# -- the API data ---------------------------------------------------------------------------

@pytest.mark.parametrize("version", VERSIONS)
def test_api_data_catalog(version):
    cat = tfjs_docs.scrape_api_data(version)
    expected = dict(documented_symbols(api_json(version)))
    assert set(cat.commands) == set(expected)
    st = cat.stats()
    assert st["signatures"] == len(expected)
    assert st["parse_rate"] >= 0.99, [c.signature for c in cat.commands.values() if not c.parsed]
    for name, sym in expected.items():
        cmd = cat.commands[name]
        assert cmd.signature == sym["paramStr"]
        names = [p["name"].removeprefix("...") for p in sym["parameters"]]
        if cmd.parsed:
            assert [p.name for p in cmd.params] == names, name
            assert [p.optional for p in cmd.params] == [p["optional"] for p in sym["parameters"]]
        assert cmd.url.startswith(f"https://js.tensorflow.org/api/{version}/#")
        assert "\n" not in cmd.summary


def test_names_urls_types_and_defaults():
    cat = tfjs_docs.scrape_api_data("4.22.0")
    c = cat.commands
    assert c["tf.image.resizeBilinear"].url.endswith("/4.22.0/#image.resizeBilinear")
    assert c["tf.Tensor.print"].url.endswith("#tf.Tensor.print")
    assert c["tf.train.Optimizer.minimize"].url.endswith("#tf.train.Optimizer.minimize")
    assert c["tf.train.sgd"].params[0].name == "learningRate"
    conv = c["tf.conv2d"]
    assert [p.name for p in conv.params] == ["x", "filter", "strides", "pad", "dataFormat",
                                             "dilations", "dimRoundingMode"]
    assert conv.param("dataFormat").type == "'NHWC'|'NCHW'"
    assert conv.param("dilations").default == "[1, 1]"       # "Defaults to `[1, 1]`"
    assert conv.returns == "Tensor3D|Tensor4D"
    assert conv.summary == "Computes a 2D convolution over the input x."
    assert c["tf.concat"].param("axis").default == "0"
    assert c["tf.sum"].param("axis").default is None   # "Defaults to reduce all dimensions": prose
    assert c["tf.TensorBuffer.set"].params[1].kind == "var_positional"


def test_documented_defaults_are_literals_only():
    dd = tfjs_docs.documented_default
    assert dd("Defaults to `false`.") == "false"
    assert dd("The axis. Defaults to 0 (the first dim).") == "0"
    assert dd("Defaults to 'float32'.") == "'float32'"
    assert dd("Defaults to the last axis.") is None
    assert dd("If none is provided, it will default to truncate.") is None


def test_version_is_read_from_the_data_and_checked(tmp_path):
    src = str(API / "tfjs-core-2.8.6.json")
    assert tfjs_docs.scrape(source=src).version == "2.8.6"
    with pytest.raises(RuleFileError, match="documents TF.js 2.8.6, not 1.5.1"):
        tfjs_docs.scrape("1.5.1", source=src)
    bad = tmp_path / "api.json"
    bad.write_text('{"docs": {"headings": [}')
    with pytest.raises(RuleFileError, match=rf"{bad}:1: not JSON"):
        tfjs_docs.scrape(source=str(bad))
    bad.write_text('{"symbols": []}')
    with pytest.raises(RuleFileError, match="not TF.js API data"):
        tfjs_docs.scrape(source=str(bad))


def test_offline_url_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    url = tfjs_docs.DATA_URL.format(version="4.22.0")
    with pytest.raises(ThreepioError, match="not in the cache .* pass --online"):
        tfjs_docs.scrape(source=url)
    # a cached copy is read without the network
    from threepio.scrapers.http import Fetcher

    Fetcher(tfjs_docs.cache_dir()).put(url, (API / "tfjs-core-4.22.0.json").read_text())
    cat = tfjs_docs.scrape(source=url)
    assert cat.source == url and "tf.abs" in cat.commands
    with pytest.raises(RuleFileError, match=r"no API data for TF.js 9.9.9 .*\(have: 1.5.1"):
        tfjs_docs.scrape("9.9.9")


# -- the .d.ts declarations -----------------------------------------------------------------

@pytest.fixture(scope="module")
def dts():
    return tfjs_dts.scrape()


def test_dts_catalog_agrees_with_the_api_data(dts):
    assert dts.version == "4.22.0" and tfjs_dts.installed_version() == "4.22.0"
    assert dts.stats()["parse_rate"] >= 0.99
    api = tfjs_docs.scrape_api_data("4.22.0")
    cmp = tfjs_dts.compare(api, dts)
    assert cmp.only_left == [], "documented commands the package does not declare"
    assert cmp.params_differ == []
    assert cmp.common == len(api.commands)
    # the package exports more than the site documents; those have no documentation URL
    assert "tf.maxPool" in cmp.only_right and "tf.maxPool" not in api.commands
    assert dts.commands["tf.maxPool"].url is None
    assert [p.name for p in dts.commands["tf.maxPool"].params][:4] == \
        ["x", "filterSize", "strides", "pad"]
    assert "tf.Tensor.reshape" in cmp.only_right          # a chained op (module augmentation)
    assert dts.commands["tf.abs"].url == api.commands["tf.abs"].url


def test_dts_file_forms():
    text = """
/**
 * Adds things.
 * @param a The first.
 *
 * @doc {heading: 'Operations', subheading: 'Arithmetic'}
 */
declare function add_<T extends Tensor>(a: Tensor | TensorLike, b: Tensor | TensorLike): T;
export declare const add: typeof add_;
/** Reflects. */
/** @doc {heading: 'Operations', subheading: 'Images', namespace: 'image'} */
declare function flip_(image: Tensor4D | TensorLike): Tensor4D;
export declare const flip: typeof flip_;
/** @doc {heading: 'Training', subheading: 'Classes', namespace: 'train'} */
export declare abstract class Optimizer extends Serializable {
    /**
     * Minimizes.
     * @doc {heading: 'Training', subheading: 'Optimizers'}
     */
    minimize(f: () => Scalar, returnCost?: boolean): Scalar | null;
    /**
     * @doc {heading: 'Training', subheading: 'Optimizers'}
     */
    computeGradients(f: () => Scalar): {
        value: Scalar;
        grads: NamedTensorMap;
    };
}
"""
    cmds = {c.name: c for c in tfjs_dts.file_commands(text, "9.0.0")}
    assert set(cmds) == {"tf.add", "tf.image.flip", "tf.train.Optimizer.minimize",
                         "tf.train.Optimizer.computeGradients"}
    assert cmds["tf.add"].summary == "Adds things." and cmds["tf.add"].returns == "Tensor"
    assert cmds["tf.image.flip"].summary == "Reflects."
    assert cmds["tf.image.flip"].url == "https://js.tensorflow.org/api/9.0.0/#image.flip"
    assert cmds["tf.train.Optimizer.computeGradients"].parsed
    assert "grads: NamedTensorMap" in cmds["tf.train.Optimizer.computeGradients"].returns


def test_exported_names(tmp_path):
    (tmp_path / "ops").mkdir()
    (tmp_path / "index.d.ts").write_text("export * from './base';\n")
    (tmp_path / "base.d.ts").write_text(
        "import * as io from './io';\nimport { inner } from './ops/a';\n"
        "export { a as renamed } from './ops/a';\nexport { io, inner };\n"
        "export declare function local(): void;\n")
    (tmp_path / "ops" / "a.d.ts").write_text(
        "declare function a_(): void;\nexport declare const a: typeof a_;\n"
        "export declare function inner(): void;\n")
    (tmp_path / "io.d.ts").write_text("export declare function save(): void;\n")
    names = exported_names(tmp_path / "index.d.ts")
    a = (tmp_path / "ops" / "a.d.ts").resolve()
    assert names == {"renamed": a, "inner": a, "io": (tmp_path / "io.d.ts").resolve(),
                     "local": (tmp_path / "base.d.ts").resolve()}


def test_dts_version_mismatch_is_refused():
    with pytest.raises(RuleFileError, match="holds tfjs-core 4.22.0, not 1.5.1"):
        tfjs_dts.scrape("1.5.1")
    with pytest.raises(RuleFileError, match="not an installed @tensorflow/tfjs-core"):
        tfjs_dts.scrape(source=API)


# -- the committed catalogs -----------------------------------------------------------------

def test_newest_catalog_regenerates_byte_for_byte():
    """4.22.0 = the shared API data + the installed package, both present in a fresh clone."""
    path = catalog_path("tfjs", "4.22.0")
    assert dump_catalog(tfjs_docs.scrape("4.22.0")) == path.read_text()


@pytest.mark.parametrize("version", VERSIONS)
def test_committed_catalogs_hold_the_api_data(version):
    """Older catalogs were merged with their npm package's declarations (``--online`` fetches
    it); the API-data part must match a scrape of the shared fixture exactly."""
    committed = read_catalog(catalog_path("tfjs", version))
    api = tfjs_docs.scrape_api_data(version)
    for name, cmd in api.commands.items():
        assert committed.commands[name] == cmd, name
    assert committed.source.startswith(api.source)
    # everything else came from the package: undocumented exports without a URL
    extra = set(committed.commands) - set(api.commands)
    assert all(committed.commands[n].url is None for n in extra)


def test_registry():
    assert scraper_for("tfjs") is tfjs_docs
    with pytest.raises(RuleFileError, match="no scraper for 'jax'"):
        scraper_for("jax")


def test_package_from_the_cache(tmp_path, monkeypatch):
    """An npm tarball in the cache is unpacked (declarations and package.json only) and merged
    into the catalog of its release; nothing is downloaded without --online."""
    import io
    import tarfile

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert tfjs_dts.package_for("2.8.6") is None
    npm = tmp_path / "threepio" / "npm"
    npm.mkdir(parents=True)
    files = {"package/package.json": '{"version": "2.8.6"}',
             "package/dist/index.d.ts": "export * from './ops';\n",
             "package/dist/ops.d.ts": "declare function mystery_(x: Tensor): Tensor;\n"
                                      "export declare const mystery: typeof mystery_;\n",
             "package/dist/ops.js": "bulky code",
             "package/../escape.d.ts": "outside"}
    with tarfile.open(npm / "tensorflow-tfjs-core-2.8.6.tgz", "w:gz") as tar:
        for name, text in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(text.encode())
            tar.addfile(info, io.BytesIO(text.encode()))
    with pytest.raises(tarfile.OutsideDestinationError):
        tfjs_dts.package_for("2.8.6")       # a member outside the package is refused
    assert not (npm / "tfjs-core-2.8.6").exists() and not (tmp_path / "escape.d.ts").exists()
    with tarfile.open(npm / "tensorflow-tfjs-core-2.8.6.tgz", "w:gz") as tar:
        for name, text in files.items():
            if "escape" not in name:
                info = tarfile.TarInfo(name)
                info.size = len(text.encode())
                tar.addfile(info, io.BytesIO(text.encode()))
    root = tfjs_dts.package_for("2.8.6")
    assert sorted(p.name for p in root.rglob("*") if p.is_file()) == \
        ["index.d.ts", "ops.d.ts", "package.json"]
    cat = tfjs_docs.scrape("2.8.6")
    assert cat.commands["tf.mystery"].url is None and "tf.abs" in cat.commands
    assert cat.source.endswith("npm:@tensorflow/tfjs-core@2.8.6 (dist/**/*.d.ts)")


def test_scrape_a_package_folder():
    cat = tfjs_docs.scrape(source=str(tfjs_dts.package_dir()))
    assert cat.scraper == tfjs_dts.SCRAPER and cat.version == "4.22.0"
