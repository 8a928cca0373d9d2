"""Numba's on-disk cache follows every file compiled into a function, not only the function's own (compiled.py)."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
import textwrap
from pathlib import Path

from diffusion_sim import compiled

PACKAGE = compiled.PACKAGE

CALLER = """
from stale.compiled import compiled
from stale import callee

@compiled()
def caller():
    return callee.value() + 0
"""

SHIM = """
from pathlib import Path
from numba import njit
from diffusion_sim.compiled import njit_stamped

HERE = Path(__file__).resolve().parent

def compiled(**options):
    if CHECK:
        return njit_stamped(HERE, ("caller.py", "callee.py"), **options)
    return njit(cache=True, **options)
"""


def _package(tmp_path: Path, check: bool) -> Path:
    pkg = tmp_path / ("checked" if check else "unchecked") / "stale"
    pkg.mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "compiled.py").write_text(f"CHECK = {check}\n" + SHIM)
    (pkg / "caller.py").write_text(CALLER)
    _callee(pkg, 1)
    return pkg


def _callee(pkg: Path, value: int) -> None:
    path = pkg / "callee.py"
    path.write_text(textwrap.dedent(f"""
        from stale.compiled import compiled

        @compiled()
        def value():
            return {value}
    """))
    os.utime(path, (1_000_000_000 + value, 1_000_000_000 + value))  # a different stamp, whatever the clock


def _env(pkg: Path) -> dict[str, str]:
    env = {**os.environ, "PYTHONPATH": f"{pkg.parent}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"}
    env.pop("NUMBA_CACHE_DIR", None)
    return env


def _run(pkg: Path, env: dict[str, str] | None = None) -> int:
    done = subprocess.run([sys.executable, "-c", "from stale.caller import caller; print(caller())"],
                          env=env or _env(pkg), capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    return int(done.stdout)


def test_a_change_to_a_called_file_alone_reaches_the_compiled_caller(tmp_path):
    """Numba alone keeps running the caller's cached code with the old callee; the check compiles it afresh."""
    unchecked, checked = _package(tmp_path, check=False), _package(tmp_path, check=True)
    for pkg in (unchecked, checked):
        assert _run(pkg) == 1  # compiled and cached
        _callee(pkg, 2)  # only the called file changes
    assert _run(unchecked) == 1, "Numba's own cache no longer goes stale here: compiled.py may be unnecessary"
    assert _run(checked) == 2
    assert _run(checked) == 2  # and cached again from there


def test_a_run_that_read_the_old_files_never_leaves_its_code_to_a_later_run(tmp_path):
    """A run started before a change compiles after a run with the new files: later runs still get the new code."""
    pkg = _package(tmp_path, check=True)
    assert _run(pkg) == 1
    slow = subprocess.Popen([sys.executable, "-c", "import sys; from stale.caller import caller; print('read'); "
                             "sys.stdout.flush(); sys.stdin.readline(); print(caller())"], env=_env(pkg),
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert slow.stdout.readline().strip() == "read"  # it has imported the old files
    _callee(pkg, 2)
    assert _run(pkg) == 2  # compiled and cached from the new files
    out, _ = slow.communicate("go\n", timeout=120)  # now the old run calls, compiles and writes its cache
    assert int(out) == 1  # it runs the code it read
    assert _run(pkg) == 2  # and a later run does not take that cache


def test_a_cache_folder_set_by_numba_cache_dir_is_stamped_too(tmp_path):
    pkg = _package(tmp_path, check=True)
    env = {**_env(pkg), "NUMBA_CACHE_DIR": str(tmp_path / "numba-cache")}
    assert _run(pkg, env) == 1
    _callee(pkg, 2)
    assert _run(pkg) == 2  # without the variable
    assert _run(pkg, env) == 2  # and with it again: its old entry is not taken


def test_caches_are_kept_while_the_sources_are_unchanged_and_removed_when_one_changes(tmp_path):
    (tmp_path / "a.py").write_text("x = 1\n")
    (tmp_path / "b.py").write_text("y = 1\n")
    cache = tmp_path / "__pycache__"
    cache.mkdir()
    files = [cache / "a.f-3.py312.nbi", cache / "a.f-3.py312.1.nbc", cache / "b.g-1.py312.nbi"]
    other = cache / "c.h-1.py312.nbi"  # a file not listed is not touched
    for f in (*files, other):
        f.write_bytes(b"")
    assert compiled.fresh_caches(tmp_path, ("a.py", "b.py"))  # no record of what made them: removed
    assert not any(f.exists() for f in files) and other.exists()
    for f in files:
        f.write_bytes(b"")
    assert not compiled.fresh_caches(tmp_path, ("a.py", "b.py"))  # made from these very files: kept
    assert all(f.exists() for f in files)
    (tmp_path / "b.py").write_text("y = 2\n")
    assert compiled.fresh_caches(tmp_path, ("a.py", "b.py"))
    assert not any(f.exists() for f in files)


def test_every_file_compiled_into_a_function_is_listed():
    """Each module with compiled functions, and each package module whose names they use, is in compiled.SOURCES."""
    listed = set(compiled.SOURCES)
    missing = []
    for path in sorted(PACKAGE.rglob("*.py")):
        source = path.read_text(encoding="utf-8")
        if "@compiled(" not in source or path.name == "compiled.py":
            continue
        rel = path.relative_to(PACKAGE).as_posix()
        if rel not in listed:
            missing.append(rel)
        tree = ast.parse(source)
        origin = {}  # a name this module imports from the package -> the file it comes from
        for node in tree.body:
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("diffusion_sim"):
                for alias in node.names:
                    target = f"{node.module}.{alias.name}".split(".")[1:]
                    as_module = PACKAGE.joinpath(*target).with_suffix(".py")
                    origin[alias.asname or alias.name] = as_module if as_module.exists() else \
                        PACKAGE.joinpath(*node.module.split(".")[1:]).with_suffix(".py")
        for node in tree.body:  # a constant worked out from an imported one (kernel's ADOPTED = int(OrgState.ADOPTED))
            if isinstance(node, ast.Assign):
                sources = [origin[n.id] for n in ast.walk(node.value) if isinstance(n, ast.Name) and n.id in origin]
                for target in node.targets:
                    if sources and isinstance(target, ast.Name):
                        origin[target.id] = sources[0]
        used = {n.id for f in tree.body if isinstance(f, ast.FunctionDef)
                and any("compiled" in ast.unparse(d) for d in f.decorator_list)
                for n in ast.walk(f) if isinstance(n, ast.Name)}
        for name in used & set(origin):
            rel_origin = origin[name].relative_to(PACKAGE).as_posix()
            if rel_origin != "compiled.py" and rel_origin not in listed:
                missing.append(f"{rel_origin} (its {name} is used in {rel})")
    assert not missing, f"add to compiled.SOURCES: {missing}"
