"""Build Besedka's frozen bundles, and on Debian/Ubuntu the .deb (``make package``).

Usage::

    python packaging/build.py                  # both bundles, plus the .deb where dpkg-deb exists
    python packaging/build.py --only server    # one bundle, no installer
    python packaging/build.py --no-installer   # bundles only

Everything lands in ``dist/``:

- ``dist/Besedka/``: the client, a windowed one-folder bundle
  (``Besedka`` / ``Besedka.exe`` and ``_internal/``);
- ``dist/besedka-server/``: the server, a console one-folder bundle;
- ``dist/besedka_VERSION_ARCH.deb`` on Linux with ``dpkg-deb``.

The Windows installer is built from the same bundles by Inno Setup
(``packaging/windows/besedka.iss``), which only runs on Windows; see
``.github/workflows/windows.yml``.  PyInstaller's cache lives in
``build/pyinstaller``, so a second build only redoes what changed.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import time
from pathlib import Path

PACKAGING = Path(__file__).resolve().parent
sys.path.insert(0, str(PACKAGING))

import speccommon  # noqa: E402

SPECS = {
    "server": PACKAGING / "besedka-server.spec",
    "client": PACKAGING / "besedka.spec",
}
BUNDLE_NAMES = {"server": speccommon.SERVER_NAME, "client": speccommon.CLIENT_NAME}


def tree_size(path: Path) -> int:
    """Bytes of the regular files under ``path`` (symlinks not followed)."""
    return sum(item.stat().st_size for item in path.rglob("*")
               if item.is_file() and not item.is_symlink())


def megabytes(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB"


def check_client_sources() -> None:
    """Refuse to freeze a client whose translations were not compiled.

    A ``.ts`` without its ``.qm`` would give a bundle that silently speaks
    only English.
    """
    translations = speccommon.ROOT / "client_gui" / "translations"
    # Existence only: a fresh clone gives both files arbitrary mtimes.
    missing = [ts.name for ts in sorted(translations.glob("*.ts"))
               if not ts.with_suffix(".qm").exists()]
    if missing:
        raise SystemExit(f"client_gui/translations: {', '.join(missing)} not compiled to .qm; "
                         "run make translations")


def freeze(which: str, dist: Path, work: Path) -> Path:
    """Run PyInstaller on one spec; returns the bundle folder."""
    if which == "client":
        check_client_sources()
    command = [sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN",
               "--distpath", str(dist), "--workpath", str(work / "pyinstaller"),
               str(SPECS[which])]
    print(f"==> freezing the {which}: {' '.join(command)}", flush=True)
    started = time.monotonic()
    subprocess.run(command, check=True, cwd=speccommon.ROOT)
    bundle = dist / BUNDLE_NAMES[which]
    print(f"    {bundle} ({megabytes(tree_size(bundle))}) in {time.monotonic() - started:.0f} s",
          flush=True)
    return bundle


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=sorted(SPECS), action="append",
                        help="build only this bundle (repeatable); implies --no-installer")
    parser.add_argument("--no-installer", action="store_true",
                        help="do not build the .deb")
    parser.add_argument("--compression", default="xz", choices=["xz", "zstd", "gzip"],
                        help="compression of the .deb (xz: smallest; zstd: fastest)")
    parser.add_argument("--dist", type=Path, default=speccommon.ROOT / "dist")
    parser.add_argument("--work", type=Path, default=speccommon.ROOT / "build")
    args = parser.parse_args(argv)
    try:
        import PyInstaller  # noqa: F401
    except ImportError:
        raise SystemExit("PyInstaller is missing: pip install -e '.[package]' (make package "
                         "does this)") from None

    print(f"Besedka {speccommon.VERSION}", flush=True)
    which = args.only or ["server", "client"]
    bundles = {name: freeze(name, args.dist, args.work) for name in which}

    deb = None
    if not args.only and not args.no_installer:
        if sys.platform.startswith("linux") and shutil.which("dpkg-deb"):
            sys.path.insert(0, str(PACKAGING / "linux"))
            import build_deb

            print("==> building the .deb", flush=True)
            started = time.monotonic()
            deb = build_deb.build(args.dist, args.work / "deb", compression=args.compression)
            print(f"    {deb} in {time.monotonic() - started:.0f} s", flush=True)
        elif sys.platform == "win32":
            print("The Windows installer is made by Inno Setup: iscc /DAppVersion="
                  f"{speccommon.VERSION} packaging\\windows\\besedka.iss", flush=True)
        else:
            print("No dpkg-deb here: no Linux package built.", flush=True)

    print("\nSizes:")
    for name, bundle in bundles.items():
        print(f"  {name:7} {bundle}: {megabytes(tree_size(bundle))}")
    if deb is not None:
        print(f"  .deb    {deb}: {megabytes(deb.stat().st_size)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
