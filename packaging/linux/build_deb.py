"""Wrap the two PyInstaller bundles into ``besedka_VERSION_ARCH.deb``.

Usage: ``python packaging/linux/build_deb.py [--dist dist] [--work build/deb]``
(``make package`` runs it after PyInstaller).

What the package holds::

    /opt/besedka/Besedka, _internal/          the client bundle (dist/Besedka)
    /opt/besedka/server/besedka-server, ...   the server bundle (dist/besedka-server)
    /usr/bin/besedka, /usr/bin/besedka-server symlinks to those
    /usr/share/applications/besedka.desktop   the applications-menu entry
    /usr/share/icons/hicolor/*/apps/besedka.* the icon (PNG sizes and SVG)
    /usr/lib/systemd/system/besedka-server.service   installed, not enabled
    /usr/share/doc/besedka/                   README.md and copyright

``Depends`` is ``packaging/linux/qt-runtime-packages.txt`` (the list that
``make run`` checks, so the two cannot drift) plus ``libc6`` at least as new
as the newest glibc symbol version the bundles use: the bundles carry every
other library themselves.  The maintainer scripts (``deb/postinst`` and
friends) create the ``besedka`` system user and ``/var/lib/besedka``.
``dpkg-deb --root-owner-group`` makes every file root's without fakeroot.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import shutil
import stat
import subprocess
import sys
from pathlib import Path

LINUX = Path(__file__).resolve().parent
PACKAGING = LINUX.parent
sys.path.insert(0, str(PACKAGING))

import speccommon  # noqa: E402

DEB = LINUX / "deb"
QT_RUNTIME_PACKAGES = LINUX / "qt-runtime-packages.txt"
PACKAGE = "besedka"
INSTALL_DIR = "opt/besedka"
SERVER_SUBDIR = "server"
UNIT = "besedka-server.service"
DESKTOP_FILE = "besedka.desktop"
HICOLOR_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)

_GLIBC_SYMBOL = re.compile(rb"GLIBC_(\d+)\.(\d+)(?:\.(\d+))?")


def qt_runtime_packages(path: Path = QT_RUNTIME_PACKAGES) -> list[str]:
    """The package names in the list (comments and blank lines skipped)."""
    names = []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            names.append(line)
    return names


def is_elf(path: Path) -> bool:
    with path.open("rb") as file:
        return file.read(4) == b"\x7fELF"


def minimum_glibc(*bundles: Path) -> str | None:
    """The newest ``GLIBC_x.y`` symbol version any ELF file in the bundles
    needs, e.g. ``"2.34"`` (None when there is no ELF file)."""
    newest: tuple[int, ...] | None = None
    for bundle in bundles:
        for path in bundle.rglob("*"):
            if path.is_file() and not path.is_symlink() and is_elf(path):
                for match in _GLIBC_SYMBOL.finditer(path.read_bytes()):
                    version = tuple(int(part) for part in match.groups() if part is not None)
                    if newest is None or version > newest:
                        newest = version
    return ".".join(map(str, newest)) if newest else None


def depends(client: Path, server: Path) -> str:
    """The ``Depends`` field."""
    glibc = minimum_glibc(client, server)
    fields = [f"libc6 (>= {glibc})" if glibc else "libc6"]
    fields += qt_runtime_packages()
    return ", ".join(fields)


def architecture() -> str:
    return subprocess.run(["dpkg", "--print-architecture"], check=True, capture_output=True,
                          text=True).stdout.strip()


def deb_name(version: str, arch: str) -> str:
    return f"{PACKAGE}_{version}_{arch}.deb"


def _copy_tree(source: Path, target: Path, leave_out: tuple[str, ...] = ()) -> None:
    """Copy a bundle, keeping symlinks and execute bits; modes normalised;
    files named in ``leave_out`` stay behind."""
    shutil.copytree(source, target, symlinks=True, ignore=shutil.ignore_patterns(*leave_out))
    for path in [target, *target.rglob("*")]:
        if path.is_symlink():
            continue
        if path.is_dir():
            path.chmod(0o755)
        else:
            executable = path.stat().st_mode & stat.S_IXUSR
            path.chmod(0o755 if executable else 0o644)


def _write(path: Path, text: str | bytes, mode: int = 0o644) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, str):
        path.write_text(text, encoding="utf-8")
    else:
        path.write_bytes(text)
    path.chmod(mode)


def _installed_size_kib(root: Path) -> int:
    total = 0
    for path in root.rglob("*"):
        if "DEBIAN" in path.relative_to(root).parts[:1]:
            continue
        if path.is_symlink() or path.is_dir():
            total += 1024  # roughly what dpkg-gencontrol counts for an inode
        else:
            total += max(path.stat().st_size, 1)
    return (total + 1023) // 1024


def _md5sums(root: Path) -> str:
    lines = []
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root)
        if relative.parts[0] == "DEBIAN" or path.is_symlink() or not path.is_file():
            continue
        digest = hashlib.md5(path.read_bytes()).hexdigest()  # noqa: S324 - dpkg's format
        lines.append(f"{digest}  {relative.as_posix()}\n")
    return "".join(lines)


def stage(client: Path, server: Path, root: Path, *, version: str, arch: str) -> None:
    """Lay out the package's files under ``root`` (emptied first)."""
    if root.exists():
        shutil.rmtree(root)
    root.mkdir(parents=True)
    install_dir = root / INSTALL_DIR
    # besedka-scripted is for the tests only: users never get the hook.
    _copy_tree(client, install_dir, leave_out=(speccommon.SCRIPTED_CLIENT_NAME,))
    _copy_tree(server, install_dir / SERVER_SUBDIR)

    bin_dir = root / "usr" / "bin"
    bin_dir.mkdir(parents=True)
    (bin_dir / "besedka").symlink_to(f"/{INSTALL_DIR}/{speccommon.CLIENT_NAME}")
    (bin_dir / "besedka-server").symlink_to(
        f"/{INSTALL_DIR}/{SERVER_SUBDIR}/{speccommon.SERVER_NAME}")

    share = root / "usr" / "share"
    _write(share / "applications" / DESKTOP_FILE, (DEB / DESKTOP_FILE).read_text("utf-8"))
    hicolor = share / "icons" / "hicolor"
    for size in HICOLOR_SIZES:
        _write(hicolor / f"{size}x{size}" / "apps" / "besedka.png",
               (speccommon.ICONS / f"besedka-{size}.png").read_bytes())
    _write(hicolor / "scalable" / "apps" / "besedka.svg",
           (speccommon.ICONS / "besedka.svg").read_bytes())
    _write(root / "usr" / "lib" / "systemd" / "system" / UNIT, (DEB / UNIT).read_text("utf-8"))
    doc = share / "doc" / PACKAGE
    _write(doc / "README.md", (PACKAGING / "README.md").read_text("utf-8"))
    _write(doc / "copyright", COPYRIGHT)
    for directory in [root / "usr", *(root / "usr").rglob("*")]:
        if directory.is_dir() and not directory.is_symlink():
            directory.chmod(0o755)

    control_dir = root / "DEBIAN"
    control_dir.mkdir()
    control = (DEB / "control.in").read_text("utf-8")
    for key, value in {
        "@VERSION@": version,
        "@ARCH@": arch,
        "@DEPENDS@": depends(client, server),
        "@INSTALLED_SIZE@": str(_installed_size_kib(root)),
    }.items():
        control = control.replace(key, value)
    _write(control_dir / "control", control)
    for script in ("postinst", "prerm", "postrm"):
        _write(control_dir / script, (DEB / script).read_text("utf-8"), 0o755)
    _write(control_dir / "md5sums", _md5sums(root))
    control_dir.chmod(0o755)


#: dpkg-deb compressors: xz gives the smallest package (43 MB against
#: zstd's 53 MB for 0.1.0) but takes about two minutes on two cores; zstd
#: takes seconds, for trying things out.  dpkg 1.21.18 or newer is needed
#: to install a zstd one, which the glibc floor (Debian 12) implies anyway.
COMPRESSION = {"xz": ["-Zxz", "-z6"], "zstd": ["-Zzstd", "-z9"], "gzip": ["-Zgzip", "-z9"]}


def build(dist: Path, work: Path, *, version: str = speccommon.VERSION,
          arch: str | None = None, compression: str = "xz") -> Path:
    """Build the package from ``dist/Besedka`` and ``dist/besedka-server``.

    Returns:
        The path of the ``.deb`` in ``dist``.
    """
    client = dist / speccommon.CLIENT_NAME
    server = dist / speccommon.SERVER_NAME
    for bundle, name in ((client, speccommon.CLIENT_NAME), (server, speccommon.SERVER_NAME)):
        if not (bundle / name).is_file():
            raise SystemExit(f"{bundle / name} is missing: build the bundles first (make package)")
    arch = arch or architecture()
    root = work / PACKAGE
    stage(client, server, root, version=version, arch=arch)
    output = dist / deb_name(version, arch)
    subprocess.run(["dpkg-deb", "--root-owner-group", *COMPRESSION[compression],
                    f"--threads-max={os.cpu_count() or 1}", "--build", str(root), str(output)],
                   check=True, stdout=subprocess.DEVNULL)
    return output


COPYRIGHT = """\
Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: Besedka

Files: *
License: MIT

Files: opt/besedka/_internal/* opt/besedka/server/_internal/*
Comment: The bundles carry CPython (PSF-2.0), Qt 6 and PyQt6 (LGPL-3 and
 GPL-3 respectively, from the PyQt6 and PyQt6-Qt6 wheels), SQLAlchemy and
 Alembic (MIT), bcrypt (Apache-2.0), orjson (Apache-2.0 or MIT),
 platformdirs (MIT), OpenSSL (Apache-2.0) and the system libraries they link,
 each under its own licence.
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dist", type=Path, default=speccommon.ROOT / "dist")
    parser.add_argument("--work", type=Path, default=speccommon.ROOT / "build" / "deb")
    parser.add_argument("--compression", choices=sorted(COMPRESSION), default="xz")
    args = parser.parse_args()
    print(build(args.dist, args.work, compression=args.compression))


if __name__ == "__main__":
    main()
