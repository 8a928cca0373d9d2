"""Compiled functions, and Numba's on-disk cache of them kept in step with every file compiled into them.

Numba keeps a compiled function beside its source (``__pycache__/<module>.<function>-<line>.py312.nbi``
and ``.nbc``) and loads it again for as long as *that* source file is unchanged. It does not look at
the other files whose functions and constants were compiled into it (numba PR #8396 is still open):
the monthly update in ``model/horizon.py`` calls ``model/kernel.py`` and reads ``model/state.py``'s
states, so after a change to ``kernel.py`` alone (a ``git pull`` into the editable install the README
sets up, or an edit) ``horizon``'s cached loop would go on running the old kernel, with no error.

So every compiled function of the package is made by :func:`compiled`, which first compares a
SHA-256 of the files in :data:`SOURCES` with the one recorded beside their caches, and removes
every cache of those files when they differ: the next call compiles afresh (about 15 s for the
whole model, once). Reading the files takes well under a millisecond, once per process.
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
STAMP = "compiled-sources.sha256"  # in the package's __pycache__, beside the caches of seeding.py

_checked: list[bool] = []


def compiled(**options: Any) -> Callable[[Callable[..., Any]], Any]:
    """``numba.njit(cache=True, **options)``, once the package's caches are known to match their sources."""
    from numba import njit

    if not _checked:
        fresh_caches(PACKAGE, SOURCES)
        _checked.append(True)
    return njit(cache=True, **options)


def fresh_caches(package: Path, sources: Iterable[str]) -> bool:
    """Remove the Numba caches of ``sources`` (paths in ``package``) unless they were made from these very files.

    Returns whether caches were removed. The SHA-256 of the sources is recorded in ``package``'s
    ``__pycache__``; without a record every cache of them is removed, as nothing says which code
    made it. Where the caches cannot be written (an installed package that is not writable, where
    nothing changes a file in place) nothing is done. With ``NUMBA_CACHE_DIR`` set, Numba's
    caches of these files are looked for there too.
    """
    files = [package / s for s in sources]
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    stamp = package / "__pycache__" / STAMP
    with contextlib.suppress(OSError):
        if stamp.read_text(encoding="ascii").strip() == digest.hexdigest():
            return False
    try:
        stamp.parent.mkdir(exist_ok=True)
        for path in files:
            for folder in _cache_folders(path):
                for cache in (*folder.glob(f"{path.stem}.*.nbi"), *folder.glob(f"{path.stem}.*.nbc")):
                    cache.unlink(missing_ok=True)
        partial = stamp.with_name(f"{STAMP}.{os.getpid()}")
        partial.write_text(digest.hexdigest() + "\n", encoding="ascii")
        os.replace(partial, stamp)
    except OSError:  # not writable here: Numba keeps its caches elsewhere, and installed files do not change in place
        return False
    return True


def _cache_folders(source: Path) -> list[Path]:
    """Where Numba keeps the caches of ``source``: its ``__pycache__``, and its folder in ``NUMBA_CACHE_DIR`` if set.

    The latter is named as Numba names it: the source folder's name and the SHA-1 of its absolute path.
    """
    folders = [source.parent / "__pycache__"]
    root = os.environ.get("NUMBA_CACHE_DIR")
    if root:
        where = str(source.parent.resolve())
        folders.append(Path(root) / f"{source.parent.name}_{hashlib.sha1(where.encode()).hexdigest()}")
    return [f for f in folders if f.is_dir()]
