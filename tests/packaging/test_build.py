"""The build runs and puts everything the programs load at run time inside.

Each check here stands for a way a frozen program breaks only when frozen:
Alembic scripts missing (they are read as files), translations or icons left
behind (loaded by path), the version drifting from the source, or unused Qt
creeping back in and bloating the bundle.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from protocol.version import BESEDKA_VERSION

from .conftest import REPO, Dist, speccommon

pytestmark = [pytest.mark.package, pytest.mark.timeout(1800)]

#: Qt libraries, QML and plugins the client must not carry (issue 4).
FORBIDDEN_QT = ("WebEngine", "Multimedia", "Qml", "Quick", "Qt63D", "Pdf", "Designer",
                "QtNetwork", "Qt6Network", "Bluetooth", "Positioning", "Sensors",
                "SerialPort", "VirtualKeyboard", "libqgtk3")


PYQT_MODULE = re.compile(r"^_internal/PyQt6/(Qt\w+)\.(?:abi3\.so|pyd)$")


def test_build_produces_both_bundles_and_the_deb(dist: Dist) -> None:
    if not dist.built:
        pytest.skip("BESEDKA_DIST given: the bundles were built earlier")
    assert dist.client_exe.is_file(), dist.build_log
    assert dist.server_exe.is_file(), dist.build_log
    if sys.platform.startswith("linux") and shutil.which("dpkg-deb"):
        assert dist.deb is not None and dist.deb.is_file(), dist.build_log
    assert "Sizes:" in dist.build_log


@pytest.mark.parametrize("which", ["server", "client"])
def test_frozen_program_reports_the_package_version(dist: Dist, which: str) -> None:
    exe = dist.server_exe if which == "server" else dist.client_exe
    result = subprocess.run([str(exe), "--version"], capture_output=True, text=True, timeout=60,
                            check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-1] == BESEDKA_VERSION == speccommon.VERSION


def internal(bundle: Path) -> Path:
    return bundle / "_internal"


def test_server_bundle_carries_alembic_env_and_revisions_as_files(dist: Dist) -> None:
    source = REPO / "migrations"
    bundled = internal(dist.server) / "migrations"
    expected = sorted(path.relative_to(source) for path in source.rglob("*.py")
                      if "__pycache__" not in path.parts)
    assert (source / "env.py").relative_to(source) in expected
    assert any(path.parts[0] == "versions" for path in expected)
    for relative in expected:
        assert (bundled / relative).read_bytes() == (source / relative).read_bytes(), relative


def test_server_bundle_has_the_sqlite_driver_and_bcrypt_and_no_qt(dist: Dist) -> None:
    files = [path.relative_to(dist.server).as_posix() for path in dist.server.rglob("*")]
    assert any("_sqlite3" in name for name in files)
    assert any(name.startswith("_internal/bcrypt/_bcrypt") for name in files)
    assert not [name for name in files if "Qt6" in name or "PyQt6" in name]


def test_client_bundle_carries_compiled_translations_icons_and_sounds(dist: Dist) -> None:
    translations = REPO / "client_gui" / "translations"
    compiled = sorted(translations.glob("*.qm"))
    assert compiled, "the client has no compiled translations"
    for qm in compiled:
        bundled = internal(dist.client) / "client_gui" / "translations" / qm.name
        assert bundled.read_bytes() == qm.read_bytes(), qm.name
    for folder, kind in (("icons", "*"), ("sounds", "*.wav")):
        for data in (REPO / "client_gui" / folder).glob(kind):
            bundled = internal(dist.client) / "client_gui" / folder / data.name
            assert bundled.read_bytes() == data.read_bytes(), data.name
    # Qt's own catalogue for the standard dialogs, in the interface languages.
    assert list(internal(dist.client).rglob("qtbase_ru.qm"))


def test_client_bundle_leaves_out_unused_qt(dist: Dist) -> None:
    files = [path.relative_to(dist.client).as_posix() for path in dist.client.rglob("*")]
    offending = [name for name in files if any(word in name for word in FORBIDDEN_QT)]
    assert not offending
    # The PyQt6 extension modules (QtCore.abi3.so, QtGui.pyd, ...).
    pyqt_modules = {match[1] for match in map(PYQT_MODULE.match, files) if match}
    # QtSvg draws the state icons (client_gui/iconset.py).
    assert pyqt_modules == {"QtCore", "QtGui", "QtWidgets", "QtSvg"}
    assert not [name for name in files if name.startswith(("_internal/sqlalchemy",
                                                           "_internal/alembic"))]
    assert dist.sizes["client bundle"] < 150_000_000


def test_the_windows_installer_wraps_folders_this_build_produces(dist: Dist) -> None:
    """besedka.iss takes dist\\Besedka\\* and dist\\besedka-server\\*: the same
    folders and executables (without .exe here) that the specs just built."""
    from .test_sources import iss_defines

    defines = iss_defines()
    for bundle_define, exe_define in (("ClientBundle", "ClientExe"),
                                      ("ServerBundle", "ServerExe")):
        folder = dist.path / Path(defines[bundle_define].replace("\\", "/")).name
        exe = Path(defines[exe_define]).stem
        assert (folder / exe).is_file() or (folder / defines[exe_define]).is_file(), folder
