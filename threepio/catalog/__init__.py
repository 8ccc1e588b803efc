"""Versioned command catalogs: every public command of a framework release, as scraped from
its own documentation (``threepio/scrapers``), stored under
``mappings/catalogs/<framework>/<version>.yaml``.

>>> cat = load_catalog("tfjs", "4.22.0")
>>> cat.commands["tf.clipByValue"].params[0].name
'x'
"""

from .model import (
           FRAMEWORKS,
           Catalog,
           Command,
           Param,
           available,
           catalog_path,
           catalogs_dir,
           dump_catalog,
           load_catalog,
           parse_ref,
)

__all__ = ["FRAMEWORKS", "Catalog", "Command", "Param", "available", "catalog_path",
           "catalogs_dir", "dump_catalog", "load_catalog", "parse_ref"]
