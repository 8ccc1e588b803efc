"""The catalog matcher: which command of another framework corresponds to a PyTorch command.

Names are normalised across naming styles (the last dotted component, camelCase split into
words, lowercase: ``tf.clipByValue`` -> ``clip_by_value``, ``tf.nn.log_softmax`` and
``tf.logSoftmax`` -> ``log_softmax``) and compared directly, through the synonym table
``mappings/synonyms.yaml`` (``clamp`` ~ ``clip_by_value``, ``dim`` ~ ``axis``), or by string
similarity. Parameters are aligned by name, synonym and position, each link checked for type
compatibility (a tensor parameter does not take a ``bool`` flag). The confidence of a
proposal combines the name score, the alignment score and the overlap of the summaries.

A proposal is a hint, never a rule: ``scrapers/propose.py`` turns proposals into candidate
rules and ships only those that match PyTorch numerically on its OpInfo samples.

>>> from threepio.catalog.model import load_catalog
>>> torch_cat, tfjs_cat = load_catalog("torch", "2.13.0"), load_catalog("tfjs", "4.22.0")
>>> best = propose(torch_cat.commands["torch.clamp"], tfjs_cat, "tfjs")[0]   # doctest: +SKIP
>>> best.dst, round(best.confidence, 2)                                     # doctest: +SKIP
('tf.clipByValue', 0.93)
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from ..errors import RuleFileError
from .model import Catalog, Command, Param

#: how a name or parameter matched, best first, with the weight each way carries
HOW = {"name": 1.0, "synonym": 0.95, "position": 0.8}
#: target commands the matcher never proposes: classes, I/O, randomness, training machinery
_SKIP_PREFIX = {
    "tfjs": ("tf.Tensor.", "tf.TensorBuffer.", "tf.Environment.", "tf.io.", "tf.util.",
             "tf.train.", "tf.browser.", "tf.data.", "tf.random", "tf.losses.", "tf.env",
             "tf.memory", "tf.dispose", "tf.tidy", "tf.keep", "tf.variable", "tf.profile",
             "tf.time", "tf.engine", "tf.ready", "tf.setBackend", "tf.backend", "tf.print"),
    "tf": ("tf.io.", "tf.debugging.", "tf.random.", "tf.data.", "tf.summary.", "tf.compat.",
           "tf.saved_model.", "tf.config.", "tf.random_", "tf.print", "tf.Variable",
           "tf.py_function", "tf.numpy_function", "tf.function", "tf.while_loop", "tf.cond",
           "tf.switch_case", "tf.map_fn", "tf.scan", "tf.foldl", "tf.foldr", "tf.vectorized_map",
           "tf.custom_gradient", "tf.stop_gradient", "tf.identity", "tf.assert"),
    "numpy": ("np.ndarray.", "np.random.", "np.testing.", "np.ma.", "np.char.", "np.rec.",
              "np.ctypeslib.", "np.lib.", "np.polynomial.", "np.save", "np.load", "np.fromfile",
              "np.genfromtxt",
              "np.loadtxt", "np.savetxt", "np.set", "np.get", "np.info", "np.show", "np.test",
              "np.printoptions", "np.errstate", "np.may_share", "np.shares_memory", "np.copyto",
              "np.put", "np.place", "np.fill_diagonal", "np.empty"),
}
_WORD = re.compile(r"[a-z0-9]+")


# -- names -------------------------------------------------------------------------------------
def words(name: str) -> tuple[str, ...]:
    """The words of a name's last dotted component: ``tf.clipByValue`` -> (clip, by, value),
    ``torch.nn.functional.log_softmax`` -> (log, softmax), ``torch.Tensor.__add__`` -> (add,)."""
    last = name.rsplit(".", 1)[-1].replace("NaN", "Nan")
    last = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1_\2", last)
    last = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", last)
    return tuple(w for w in last.lower().split("_") if w)


def normalise(name: str) -> str:
    """``logSoftmax``, ``log_softmax`` and ``tf.nn.log_softmax`` all give ``log_softmax``."""
    return "_".join(words(name))


def compact(name: str) -> str:
    """The normalised name without separators: ``keep_dims`` and ``keepdims`` are equal."""
    return "".join(words(name))


# -- the synonym table -------------------------------------------------------------------------
@dataclass(frozen=True)
class Synonyms:
    """Groups of interchangeable names, by compact form: ``commands[c]`` / ``params[c]`` is the
    set of compact names sharing a group with ``c``; ``pairs[(src, dst)]`` adds groups that
    hold only between two frameworks."""

    commands: dict
    params: dict
    pairs: dict
    avoid: frozenset

    def command_synonyms(self, name: str, pair: tuple[str, str] | None = None) -> frozenset:
        c = compact(name)
        extra = self.pairs.get(pair, {}).get("commands", {})
        return self.commands.get(c, frozenset()) | extra.get(c, frozenset())

    def param_synonyms(self, name: str, pair: tuple[str, str] | None = None) -> frozenset:
        c = compact(name)
        extra = self.pairs.get(pair, {}).get("params", {})
        return self.params.get(c, frozenset()) | extra.get(c, frozenset())


def _groups(groups, where: str) -> dict:
    out: dict[str, frozenset] = {}
    if not isinstance(groups, list) or not all(isinstance(g, list) for g in groups):
        raise RuleFileError(f"{where}: a list of name groups, e.g. [[dim, axis], ...]")
    for g in groups:
        names = {compact(str(n)) for n in g}
        for n in names:
            out[n] = out.get(n, frozenset()) | (names - {n})
    return out


def synonyms_path() -> Path:
    from ..rules.loader import mappings_dir

    return mappings_dir() / "synonyms.yaml"


def read_synonyms(path: Path) -> Synonyms:
    try:
        doc = yaml.safe_load(path.read_text()) or {}
    except OSError as e:
        raise RuleFileError(f"cannot read the synonym table {path}: {e.strerror}") from None
    except yaml.YAMLError as e:
        raise RuleFileError(f"{path}: not valid YAML: {e}") from None
    pairs = {}
    for key, body in (doc.get("pairs") or {}).items():
        src, _, dst = str(key).partition("->")
        if not dst or not isinstance(body, dict):
            raise RuleFileError(f"{path}: pairs are keyed 'torch->tfjs' and hold commands/params")
        pairs[(src, dst)] = {k: _groups(body.get(k, []), f"{path}: pairs.{key}.{k}")
                             for k in ("commands", "params")}
    return Synonyms(_groups(doc.get("commands", []), f"{path}: commands"),
                    _groups(doc.get("params", []), f"{path}: params"), pairs,
                    frozenset(compact(n) for n in doc.get("avoid", [])))


@cache
def synonyms() -> Synonyms:
    """The shipped synonym table (read once per process)."""
    return read_synonyms(synonyms_path())


def name_match(src: str, dst: str, pair: tuple[str, str] | None = None) -> tuple[float, str]:
    """How well two command names match: (score, how) with how in name / synonym / similar."""
    a, b = compact(src), compact(dst)
    if a == b:
        return HOW["name"], "name"
    if b in synonyms().command_synonyms(src, pair):
        return HOW["synonym"], "synonym"
    ratio = difflib.SequenceMatcher(None, normalise(src), normalise(dst)).ratio()
    return 0.8 * ratio, "similar"


# -- parameters --------------------------------------------------------------------------------
def param_kinds(p: Param) -> frozenset:
    """What a parameter takes: a set of tensor, tensors, number, int, bool, dims, dtype, str; an
    empty set when the documentation does not say."""
    t = (p.type or "").lower()
    kinds = set()
    if re.match(r"Array\b", p.type or "") or re.search(
            r"list of tensor|sequence of tensor|tuple of tensor|tensor\[\]|tensorlike\[\]"
            r"|tensor objects|sequence of array|arrays", t):
        kinds.add("tensors")
    elif re.search(r"tensor|array_like|ndarray|array", t):
        kinds.add("tensor")
    if re.search(r"\bbool", t):
        kinds.add("bool")
    if re.search(r"\bint|\bnumber|\bfloat|scalar", t):
        kinds.add("number")
    if re.search(r"tuple of int|list of int|sequence of int|number\[\]|ints|shape|size", t):
        kinds.add("dims")
    if "dtype" in t or "datatype" in t:
        kinds.add("dtype")
    if re.search(r"\bstr|string|'[a-z]+'", t):
        kinds.add("str")
    if not kinds and p.default is not None:
        d = p.default.strip()
        if d in ("True", "False", "true", "false"):
            kinds.add("bool")
        elif re.fullmatch(r"-?\d+(\.\d*)?([eE][+-]?\d+)?", d):
            kinds.add("number")
        elif d[:1] in "'\"":
            kinds.add("str")
    if p.name in ("dtype",):
        kinds.add("dtype")
    return frozenset(kinds)


def compatible(a: Param, b: Param) -> bool:
    ka, kb = param_kinds(a), param_kinds(b)
    if not ka or not kb:
        return True
    if ka & kb:
        return True
    # a dims parameter takes an int too; a tensor-or-number takes a number
    return bool(("dims" in ka and "number" in kb) or ("number" in ka and "dims" in kb))


def data_params(cmd: Command) -> list[Param]:
    """Parameters that carry data (not ``name=``, ``out=``, ``**kwargs``, ``device``...)."""
    avoid = synonyms().avoid
    return [p for p in cmd.params if p.kind not in ("var_positional", "var_keyword")
            and compact(p.name) not in avoid]


def required(p: Param) -> bool:
    return p.default is None and not p.optional and p.kind not in ("var_positional",
                                                                   "var_keyword")


@dataclass(frozen=True)
class Link:
    src: str
    dst: str
    how: str                    # name / synonym / position


@dataclass(frozen=True)
class Alignment:
    links: tuple[Link, ...]
    src_unlinked: tuple[str, ...]     # source data parameters with no counterpart
    dst_unlinked: tuple[str, ...]     # required target parameters with no counterpart
    score: float

    def dst_for(self, src: str) -> str | None:
        return next((ln.dst for ln in self.links if ln.src == src), None)


def align(src: Command, dst: Command, pair: tuple[str, str] | None = None) -> Alignment:
    """Align the data parameters of ``src`` with those of ``dst``: by name, then synonym, then
    position (same index), every link between type-compatible parameters."""
    sp, dp = data_params(src), data_params(dst)
    syn = synonyms()
    links: dict[str, Link] = {}
    taken: set[str] = set()

    def link(a: Param, b: Param, how: str):
        links[a.name] = Link(a.name, b.name, how)
        taken.add(b.name)

    for how in ("name", "synonym"):
        for a in sp:
            if a.name in links:
                continue
            for b in dp:
                if b.name in taken or not compatible(a, b):
                    continue
                same = compact(a.name) == compact(b.name) if how == "name" else \
                    compact(b.name) in syn.param_synonyms(a.name, pair)
                if same:
                    link(a, b, how)
                    break
    for i, a in enumerate(sp):
        if a.name not in links and i < len(dp) and dp[i].name not in taken and \
                compatible(a, dp[i]) and a.kind != "keyword_only":
            link(a, dp[i], "position")
    src_req = [a for a in sp if required(a)]
    dst_req = [b for b in dp if required(b)]
    linked_dst = {ln.dst: ln for ln in links.values()}
    f_src = (sum(HOW[links[a.name].how] for a in src_req if a.name in links) / len(src_req)
             if src_req else 1.0)
    f_dst = (sum(HOW[linked_dst[b.name].how] for b in dst_req if b.name in linked_dst)
             / len(dst_req) if dst_req else 1.0)
    opt = [a for a in sp if not required(a)]
    f_opt = sum(a.name in links for a in opt) / len(opt) if opt else 1.0
    score = 0.5 * f_src + 0.4 * f_dst + 0.1 * f_opt
    return Alignment(tuple(links.values()), tuple(a.name for a in sp if a.name not in links),
                     tuple(b.name for b in dst_req if b.name not in linked_dst), round(score, 4))


# -- proposals ---------------------------------------------------------------------------------
def _summary_words(cmd: Command) -> set[str]:
    stop = {"the", "a", "an", "of", "and", "or", "to", "in", "is", "by", "with", "for", "as",
            "on", "returns", "return", "computes", "tensor", "input", "given", "element", "wise",
            "each", "this", "that", "along", "be", "from", "are", "it", "its", "x"}
    return {w for w in _WORD.findall(cmd.summary.lower()) if w not in stop and len(w) > 1}


@dataclass(frozen=True)
class Proposal:
    src: str
    dst: str
    target: str                 # tfjs / tf / numpy
    confidence: float
    name_how: str               # name / synonym / similar
    alignment: Alignment

    def to_dict(self) -> dict:
        return {"src": self.src, "dst": self.dst, "target": self.target,
                "confidence": self.confidence, "name": self.name_how,
                "params": [[ln.src, ln.dst, ln.how] for ln in self.alignment.links],
                "unlinked_src": list(self.alignment.src_unlinked),
                "unlinked_dst": list(self.alignment.dst_unlinked)}


def score(src: Command, dst: Command, target: str) -> Proposal:
    """The proposal ``src -> dst`` with its confidence in [0, 1]."""
    pair = ("torch", target)
    name, how = name_match(src.name, dst.name, pair)
    al = align(src, dst, pair)
    params = al.score if src.parsed and dst.parsed else 0.5
    a, b = _summary_words(src), _summary_words(dst)
    summ = len(a & b) / len(a | b) if a and b else 0.0
    conf = 0.65 * name + 0.30 * params + 0.05 * summ
    return Proposal(src.name, dst.name, target, round(conf, 4), how, al)


def candidates(cat: Catalog) -> list[Command]:
    """The commands of a target catalog the matcher may propose."""
    skip = _SKIP_PREFIX.get(cat.framework, ())
    return [c for n, c in cat.commands.items() if not n.startswith(skip)
            and not c.short.startswith("_")]


def propose(src: Command, cat: Catalog, target: str | None = None, n: int = 3,
            min_name: float = 0.6) -> list[Proposal]:
    """The ``n`` best target commands of ``cat`` for ``src``, best first (only names scoring at
    least ``min_name`` are considered)."""
    target = target or cat.framework
    pair = ("torch", target)
    out = []
    for c in _candidates_cached(cat.framework, cat.version, id(cat), cat):
        if name_match(src.name, c.name, pair)[0] >= min_name:
            out.append(score(src, c, target))
    out.sort(key=lambda p: (-p.confidence, p.dst))
    seen, best = set(), []
    for p in out:                   # aliases of one object (tf.math.add, tf.add): keep one
        if p.dst in seen:
            continue
        seen.update({p.dst, *cat.commands[p.dst].aliases})
        best.append(p)
    return best[:n]


_cand_cache: dict = {}


def _candidates_cached(fw: str, version: str, ident: int, cat: Catalog) -> list[Command]:
    key = (fw, version, ident)
    if key not in _cand_cache:
        _cand_cache[key] = candidates(cat)
    return _cand_cache[key]
