"""Documentation scrapers: each builds a versioned command catalog (``threepio.catalog``) for one
framework from its own documentation. Installed as ``threepio.scrapers``."""
