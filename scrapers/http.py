"""Polite HTTP for the HTML scrapers: an on-disk cache, retries with backoff, a rate limit and a
user agent. Offline by default: a page not in the cache is an error unless ``online=True``.

    fetcher = Fetcher(cache_dir, online=False)
    html = fetcher.get("https://pytorch.org/docs/2.13/generated/torch.add.html")

Cached pages are stored under ``cache_dir`` by a digest of the URL (``<sha256>.html`` plus a
``.url`` file naming the URL), so a cache can be built once and committed or shared.
"""

from __future__ import annotations

import hashlib
import threading
import time
from pathlib import Path

from ..errors import ThreepioError

USER_AGENT = "threepio-scraper/0.1 (+https://github.com/threepio; documentation catalogs)"


class FetchError(ThreepioError):
    """A page could not be fetched (offline and not cached, or the server kept failing)."""


class Fetcher:
    def __init__(self, cache_dir: str | Path, *, online: bool = False, min_interval: float = 1.0,
                 retries: int = 4, backoff: float = 2.0, timeout: float = 30.0, session=None,
                 sleep=time.sleep):
        self.cache_dir = Path(cache_dir)
        self.online = online
        self.min_interval = min_interval
        self.retries = retries
        self.backoff = backoff
        self.timeout = timeout
        self._session = session
        self._sleep = sleep
        self._last = 0.0
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def path_for(self, url: str) -> Path:
        return self.cache_dir / (hashlib.sha256(url.encode()).hexdigest()[:32] + ".html")

    def put(self, url: str, text: str):
        """Store a page in the cache (used by fixture generators and by ``get``)."""
        p = self.path_for(url)
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text)
        p.with_suffix(".url").write_text(url + "\n")

    def get(self, url: str) -> str:
        p = self.path_for(url)
        if p.exists():
            self.hits += 1
            return p.read_text()
        if not self.online:
            raise FetchError(f"{url} is not in the cache {self.cache_dir} and fetching is off; "
                             "pass --online to download it (or --source to a local copy)")
        self.misses += 1
        text = self._download(url)
        self.put(url, text)
        return text

    def _download(self, url: str) -> str:
        import requests

        session = self._session or requests.Session()
        last_error = None
        for attempt in range(self.retries):
            with self._lock:
                wait = self._last + self.min_interval - time.monotonic()
                if wait > 0:
                    self._sleep(wait)
                self._last = time.monotonic()
            try:
                r = session.get(url, headers={"User-Agent": USER_AGENT}, timeout=self.timeout)
            except requests.RequestException as e:
                last_error = str(e)
            else:
                if r.status_code == 200:
                    return r.text
                last_error = f"HTTP {r.status_code}"
                if r.status_code == 404 or 400 <= r.status_code < 500 and r.status_code != 429:
                    break
            self._sleep(self.backoff ** attempt)
        raise FetchError(f"cannot fetch {url}: {last_error} (after {attempt + 1} attempt(s))")
