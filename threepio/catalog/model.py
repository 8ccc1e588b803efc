"""The catalog data model and its YAML form.

A catalog is one framework release: ``framework``, ``version``, where it was scraped from
(``source``), by which scraper (``scraper``), and ``commands`` keyed by qualified name
(``torch.add``, ``torch.Tensor.add``, ``tf.math.add``, ``np.add``, ``tf.add`` for TF.js). A command
has its parameters (name, kind, default, documented type), its return, a one-line summary, the
URL of its documentation page and the raw signature text it was parsed from (``parsed: false``
when the grammar could not parse it; the parameters are then empty).

The YAML is deterministic: commands sorted by name, fields in a fixed order, one flow mapping
per parameter, so a re-scrape diffs line by line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import yaml

from ..errors import RuleFileError

FRAMEWORKS = ("torch", "tf", "numpy", "tfjs")
#: parameter kinds, as Python's inspect names them (TypeScript and docs map onto these)
KINDS = ("positional_only", "positional", "var_positional", "keyword_only", "var_keyword")
_NO_DEFAULT = object()


@dataclass(frozen=True)
class Param:
    name: str
    kind: str = "positional"
    default: str | None = None      # the default as source text ("1", "None", "'same'"), if any
    type: str | None = None         # the documented type, as written
    optional: bool = False          # TypeScript `x?` / docs "optional" without a default

    def to_yaml(self) -> dict:
        d = {"name": self.name}
        if self.kind != "positional":
            d["kind"] = self.kind
        if self.default is not None:
            d["default"] = self.default
        if self.optional:
            d["optional"] = True
        if self.type is not None:
            d["type"] = self.type
        return d

    @classmethod
    def from_yaml(cls, d: dict) -> Param:
        return cls(str(d["name"]), d.get("kind", "positional"),
                   None if d.get("default") is None else str(d["default"]),
                   d.get("type"), bool(d.get("optional", False)))


@dataclass(frozen=True)
class Command:
    name: str                       # qualified: torch.nn.functional.relu, tf.math.add, tf.add
    params: tuple[Param, ...] = ()
    returns: str | None = None
    summary: str = ""
    url: str | None = None
    signature: str | None = None    # the raw text the params were parsed from
    parsed: bool = True             # False: `signature` did not parse; params are unknown
    aliases: tuple[str, ...] = ()   # other public names of the same object

    @property
    def short(self) -> str:
        return self.name.rsplit(".", 1)[-1]

    def param(self, name: str) -> Param | None:
        return next((p for p in self.params if p.name == name), None)

    def to_yaml(self) -> dict:
        d: dict = {}
        if self.signature is not None:
            d["signature"] = self.signature
        if not self.parsed:
            d["parsed"] = False
        d["params"] = [p.to_yaml() for p in self.params]
        if self.returns is not None:
            d["returns"] = self.returns
        d["summary"] = self.summary
        if self.url is not None:
            d["url"] = self.url
        if self.aliases:
            d["aliases"] = sorted(self.aliases)
        return d

    @classmethod
    def from_yaml(cls, name: str, d: dict) -> Command:
        return cls(name, tuple(Param.from_yaml(p) for p in d.get("params") or ()),
                   d.get("returns"), d.get("summary") or "", d.get("url"), d.get("signature"),
                   bool(d.get("parsed", True)), tuple(d.get("aliases") or ()))


@dataclass
class Catalog:
    framework: str
    version: str
    source: str                     # where it was scraped from: a package, a file, a URL
    scraper: str                    # the scraper module that built it
    commands: dict[str, Command] = field(default_factory=dict)

    @property
    def ref(self) -> str:
        return f"{self.framework}@{self.version}"

    def add(self, cmd: Command):
        self.commands[cmd.name] = cmd

    def stats(self) -> dict:
        parsed = sum(c.parsed for c in self.commands.values())
        with_sig = sum(c.signature is not None for c in self.commands.values())
        return {"framework": self.framework, "version": self.version,
                "commands": len(self.commands), "signatures": with_sig, "parsed": parsed,
                "parse_rate": round(parsed / len(self.commands), 4) if self.commands else 0.0}


def catalogs_dir() -> Path:
    from ..rules.loader import mappings_dir

    return mappings_dir() / "catalogs"


def catalog_path(framework: str, version: str, root: Path | None = None) -> Path:
    return (root or catalogs_dir()) / framework / f"{version}.yaml"


def available(root: Path | None = None) -> list[tuple[str, str]]:
    """Every committed (framework, version), versions in numeric order."""
    root = root or catalogs_dir()
    found = [(p.parent.name, p.stem) for p in root.glob("*/*.yaml")]
    return sorted(found, key=lambda fv: (fv[0], _version_key(fv[1])))


def _version_key(v: str):
    return tuple(int(x) if x.isdigit() else x for x in re.split(r"[.+-]", v))


def parse_ref(ref: str, root: Path | None = None) -> tuple[str, str]:
    """``tfjs@1.5.1`` -> ("tfjs", "1.5.1"); ``tfjs`` alone means its newest catalog."""
    fw, _, version = ref.partition("@")
    if fw not in FRAMEWORKS:
        raise RuleFileError(f"unknown framework {fw!r} in {ref!r}; expected one of "
                            f"{', '.join(FRAMEWORKS)}, e.g. tfjs@4.22.0")
    versions = [v for f, v in available(root) if f == fw]
    if not version:
        if not versions:
            raise RuleFileError(f"no {fw} catalog under {root or catalogs_dir()}; build one with "
                                f"`threepio scrape {fw}`")
        return fw, versions[-1]
    if version not in versions:
        raise RuleFileError(f"no catalog for {fw}@{version}; available: "
                            f"{', '.join(versions) or 'none'} (build it with `threepio scrape "
                            f"{fw} --version {version}`)")
    return fw, version


class _Dumper(yaml.SafeDumper):
    pass


class _Flow(dict):
    """A parameter: written as one flow mapping per line."""


def _str(dumper, s):
    return dumper.represent_scalar("tag:yaml.org,2002:str", s, style="|" if "\n" in s else None)


_Dumper.add_representer(str, _str)
_Dumper.add_representer(_Flow, lambda d, m: d.represent_mapping("tag:yaml.org,2002:map", m.items(),
                                                                flow_style=True))


def dump_catalog(cat: Catalog, path: Path | None = None) -> str:
    """The catalog's YAML text (written to ``path`` when given)."""
    commands = {}
    for name in sorted(cat.commands):
        body = cat.commands[name].to_yaml()
        body["params"] = [_Flow(p) for p in body["params"]]
        commands[name] = body
    doc = {"framework": cat.framework, "version": cat.version, "source": cat.source,
           "scraper": cat.scraper, "commands": commands}
    text = yaml.dump(doc, Dumper=_Dumper, sort_keys=False, width=100, allow_unicode=True)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return text


def read_catalog(path: Path) -> Catalog:
    try:
        doc = yaml.load(path.read_text(), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except OSError as e:
        raise RuleFileError(f"cannot read catalog {path}: {e.strerror}") from None
    except yaml.YAMLError as e:
        raise RuleFileError(f"{path}: not a valid catalog: {e}") from None
    if not isinstance(doc, dict) or not {"framework", "version", "commands"} <= set(doc):
        raise RuleFileError(f"{path}: a catalog is a mapping with framework, version, source, "
                            "scraper and commands")
    cat = Catalog(str(doc["framework"]), str(doc["version"]), str(doc.get("source", "")),
                  str(doc.get("scraper", "")))
    for name, body in (doc["commands"] or {}).items():
        try:
            cat.add(Command.from_yaml(str(name), body or {}))
        except (KeyError, TypeError, AttributeError) as e:
            raise RuleFileError(f"{path}: command {name!r} is malformed ({e})") from None
    return cat


@cache
def load_catalog(framework: str, version: str) -> Catalog:
    """The committed catalog of ``framework@version`` (cached per process)."""
    framework, version = parse_ref(f"{framework}@{version}")
    return read_catalog(catalog_path(framework, version))
