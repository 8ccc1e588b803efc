"""Which scraper builds each framework's catalog. Every scraper module has the same entry point:

    scrape(version: str | None = None, source: str | None = None, online: bool = False) -> Catalog

``version`` None means the newest the scraper knows (usually the installed package); ``source``
is a local file, folder or URL to read instead of the default; ``online`` allows downloads
(through the cached :class:`~threepio.scrapers.http.Fetcher`).
"""

from __future__ import annotations

import importlib
from types import ModuleType

from threepio.errors import RuleFileError

SCRAPERS = {
    "torch": "threepio.scrapers.torch_docs",
    "numpy": "threepio.scrapers.numpy_docs",
    "tf": "threepio.scrapers.tf_docs",
    "tfjs": "threepio.scrapers.tfjs_docs",
}


def scraper_for(framework: str) -> ModuleType:
    """The scraper module of ``framework`` (an error naming the known frameworks otherwise)."""
    name = SCRAPERS.get(framework)
    if name is None:
        raise RuleFileError(f"no scraper for {framework!r}; known: {', '.join(SCRAPERS)}")
    try:
        module = importlib.import_module(name)
    except ModuleNotFoundError as e:
        if e.name != name:
            raise
        raise RuleFileError(f"the {framework} scraper ({name}) is not available in this "
                            "installation") from None
    if not callable(getattr(module, "scrape", None)):
        raise RuleFileError(f"{name} has no scrape(version, source, online) function")
    return module
