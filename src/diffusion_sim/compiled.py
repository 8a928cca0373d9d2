"""Compiled functions, and Numba's on-disk cache of them tied to every file compiled into them.

Numba keeps a compiled function on disk (``__pycache__/<module>.<function>-<line>.py312.nbi`` and
``.nbc``) stamped with its own source file, and loads it again for as long as *that* file is
unchanged. It does not look at the other files whose functions and constants were compiled into it
(numba PR #8396 is still open): the monthly update in ``model/horizon.py`` calls ``model/kernel.py``
and reads ``model/state.py``'s states, so after a change to ``kernel.py`` alone (a ``git pull`` into
the editable install the README sets up, or an edit) ``horizon``'s cached loop would go on running
the old kernel, with no error.

So every compiled function of the package is made by :func:`compiled`, and its cache entry carries,
besides Numba's own stamp, the SHA-256 of all the files in :data:`SOURCES` as this process read
them: an entry written from other sources (before a change, or by a process that started before
it) never matches, and the function is compiled afresh (about 15 s for the whole model, once).
Numba has no documented hook for the stamp; this subclasses its cache locators
(``numba.core.caching.CacheImpl._locator_classes``). Where those are not there (another Numba, or
``NUMBA_CACHE_LOCATOR_CLASSES`` set) the caches of the sources are removed instead whenever their
digest differs from the one recorded in ``__pycache__``, which covers the common case, a change
made while nothing runs.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

PACKAGE = Path(__file__).resolve().parent
# every file with compiled functions and every file they read from (state.py's states; rules.py, which the
# monthly loop calls back into): tests/test_compiled.py checks the list
SOURCES = ("model/kernel.py", "model/horizon.py", "model/state.py", "model/rules.py", "seeding.py", "region/nearest.py",
           "region/build.py")
STAMP = "compiled-sources.sha256"  # the fallback's record, in the package's __pycache__

_stamped: set[str] = set()  # the package folders whose cache entries carry their sources' digest in this process


def compiled(**options: Any) -> Callable[[Callable[..., Any]], Any]:
    """``numba.njit(cache=True, **options)``, its cache entries tied to every file in :data:`SOURCES`."""
    return njit_stamped(PACKAGE, SOURCES, **options)


def njit_stamped(package: Path, sources: Iterable[str], **options: Any) -> Callable[[Callable[..., Any]], Any]:
    """``numba.njit(cache=True, **options)`` for a function in ``package``, cached under the digest of ``sources``."""
    from numba import njit

    if str(package) not in _stamped:
        stamp_caches(package, tuple(sources))
        _stamped.add(str(package))
    return njit(cache=True, **options)


def sources_digest(package: Path, sources: Iterable[str]) -> str:
    """SHA-256 of the files ``sources`` (paths in ``package``), names and contents."""
    digest = hashlib.sha256()
    for source in sources:
        with contextlib.suppress(OSError):  # a file that is gone counts as empty
            digest.update(source.encode() + b"\0" + (package / source).read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()


def stamp_caches(package: Path, sources: tuple[str, ...]) -> None:
    """Make Numba stamp the cache entry of every function in ``package`` with the digest of ``sources``."""
    digest = sources_digest(package, sources)
    try:
        from numba.core import caching, config

        impl = getattr(caching, "CacheImpl", None) or caching._CacheImpl  # public since Numba 0.62
        locators = impl._locator_classes
        if getattr(config, "CACHE_LOCATOR_CLASSES", None):  # the user chose the locators: they are used as given
            raise AttributeError("NUMBA_CACHE_LOCATOR_CLASSES")
        locators[:0] = [_stamped_locator(base, package, digest) for base in locators
                        if not getattr(base, "stamped_package", None)]
    except (ImportError, AttributeError, TypeError):
        fresh_caches(package, sources, digest)


def _stamped_locator(base: type, package: Path, digest: str) -> type:
    """Numba's cache locator ``base`` for the files in ``package`` only, its stamp extended by ``digest``."""
    folder = os.path.normcase(os.path.abspath(package)) + os.sep

    class Stamped(base):  # type: ignore[valid-type, misc]
        stamped_package = folder

        @classmethod
        def from_function(cls, py_func: Any, py_file: str) -> Any:
            if not os.path.normcase(os.path.abspath(os.path.realpath(py_file))).startswith(folder) and \
                    not os.path.normcase(os.path.abspath(py_file)).startswith(folder):
                return None  # another package's function: Numba's own locators take it
            return super().from_function(py_func, py_file)

        def get_source_stamp(self) -> Any:
            return ("diffusion-sim sources", digest, super().get_source_stamp())

    Stamped.__name__ = Stamped.__qualname__ = f"SourcesStamped{base.__name__}"
    return Stamped


def fresh_caches(package: Path, sources: Iterable[str], digest: str | None = None) -> bool:
    """Remove the Numba caches of ``sources`` (paths in ``package``) unless they were made from these very files.

    The fallback where Numba's locators cannot be extended. Returns whether caches were removed. The
    digest is recorded in ``package``'s ``__pycache__``; without a record every cache of them is
    removed, as nothing says which code made it. Where the caches cannot be written (an installed
    package that is not writable, where nothing changes a file in place) nothing is done.
    """
    sources = tuple(sources)
    digest = digest or sources_digest(package, sources)
    stamp = package / "__pycache__" / STAMP
    with contextlib.suppress(OSError):
        if stamp.read_text(encoding="ascii").strip() == digest:
            return False
    try:
        stamp.parent.mkdir(exist_ok=True)
        for source in sources:
            path = package / source
            folder = path.parent / "__pycache__"
            for cache in (*folder.glob(f"{path.stem}.*.nbi"), *folder.glob(f"{path.stem}.*.nbc")):
                cache.unlink(missing_ok=True)
        partial = stamp.with_name(f"{STAMP}.{os.getpid()}")
        partial.write_text(digest + "\n", encoding="ascii")
        os.replace(partial, stamp)
    except OSError:  # not writable here: Numba keeps its caches elsewhere, and installed files do not change in place
        return False
    return True
