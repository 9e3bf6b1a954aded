"""What the two PyInstaller specs share: paths, the version, run-time data.

``besedka.spec`` (the client) and ``besedka-server.spec`` import this module,
so the rules that decide what goes into a bundle are written once and a unit
test can check them without running PyInstaller.  Nothing here imports
PyInstaller at module level, for the same reason.

Why the rules exist:

- Alembic finds ``env.py`` and the revisions as *files* under the
  ``migrations`` package's directory and imports them itself, so PyInstaller's
  import analysis never sees them.  They go in as data files (sources, not
  bytecode) at ``migrations/`` beside the frozen ``migrations`` package, and
  every module they import is added as a hidden import, found by reading
  their ``import`` statements: a new revision that imports something new
  gets it bundled without anyone editing the specs.
- SQLAlchemy loads dialects by name at run time; the SQLite one is named
  explicitly.  A frozen Besedka has no database driver but ``sqlite3``.
- The client imports QtCore, QtGui and QtWidgets (the Qt SVG library stays
  for the icon engine and image plugins).  The PyQt6 wheel brings the whole
  of Qt; everything the client cannot use is excluded by module name and,
  for plugins that would drag those libraries back in, by file name, and
  the build refuses a client that imports an excluded module.
"""

from __future__ import annotations

import ast
import fnmatch
import re
import sys
from pathlib import Path, PurePath
from typing import Any

PACKAGING = Path(__file__).resolve().parent
ROOT = PACKAGING.parent
ICONS = PACKAGING / "icons"

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def read_version() -> str:
    """``protocol.version.BESEDKA_VERSION``, read from the source file.

    Parsed rather than imported so that it is the checked-out tree's version
    even when another Besedka is installed in the environment.
    """
    source = (ROOT / "protocol" / "version.py").read_text(encoding="utf-8")
    for node in ast.parse(source).body:
        if (isinstance(node, ast.Assign) and len(node.targets) == 1
                and isinstance(node.targets[0], ast.Name)
                and node.targets[0].id == "BESEDKA_VERSION"
                and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)):
            return node.value.value
    raise RuntimeError("BESEDKA_VERSION not found in protocol/version.py")


VERSION = read_version()

#: Strip debug symbols from the collected libraries on Linux: the pyenv or
#: distribution libpython alone carries some 15 MB of them.  (No ``strip``
#: on Windows; macOS code signatures do not survive it.)
STRIP = sys.platform.startswith("linux")

#: Names of the bundles (folders in dist/) and of their executables.
CLIENT_NAME = "Besedka"
SERVER_NAME = "besedka-server"
#: The test-only client (client_gui/scripted.py, packaging/README.md): a
#: second executable in the client's bundle, sharing all its files, so that
#: the packaging tests drive the very files users get.  Only its archive
#: carries the test hook; the .deb and the Windows installer leave it out.
SCRIPTED_CLIENT_NAME = "besedka-scripted"
SCRIPTED_MODULE = "client_gui.scripted"

#: Pure-Python or binary modules neither program uses, which PyInstaller
#: would otherwise pull in through optional imports of the standard library
#: or of our dependencies.
COMMON_EXCLUDES = [
    "tkinter", "_tkinter", "turtle", "turtledemo", "idlelib", "pydoc_data", "lib2to3",
    "unittest", "doctest", "test", "distutils", "setuptools", "pip", "pkg_resources",
    "IPython", "numpy", "PIL", "pytest", "_pytest", "hypothesis",
    # SQLAlchemy: only the sqlite3 driver is bundled.  (The other dialects
    # must stay: alembic.ddl imports them all when Alembic is imported.)
    "sqlalchemy.testing", "pysqlite2", "MySQLdb", "psycopg2",
    # Alembic's Mako templates are for `alembic revision`, not for upgrading.
    "mako.ext", "alembic.testing",
]

#: What the server's Windows service (server/winservice.py) loads that
#: PyInstaller cannot see: pywin32's service host imports win32timezone
#: from C.  (pywin32 itself is a dependency on Windows only.)
SERVER_WINDOWS_HIDDENIMPORTS = ["win32timezone"] if sys.platform == "win32" else []

#: Qt modules the client does not use.  Excluding the Python modules keeps
#: PyInstaller's per-module hooks from collecting their Qt libraries, QML
#: files, plugins and resources.
QT_UNUSED_MODULES = [
    "QAxContainer", "Qsci", "Qt3DAnimation", "Qt3DCore", "Qt3DExtras", "Qt3DInput",
    "Qt3DLogic", "Qt3DRender", "QtBluetooth", "QtCharts", "QtDBus", "QtDataVisualization",
    "QtDesigner", "QtGraphs", "QtGraphsWidgets", "QtHelp", "QtMultimedia",
    "QtMultimediaWidgets", "QtNetwork", "QtNetworkAuth", "QtNfc", "QtOpenGL",
    "QtOpenGLWidgets", "QtPdf", "QtPdfWidgets", "QtPositioning", "QtPrintSupport", "QtQml",
    "QtQuick", "QtQuick3D", "QtQuickWidgets", "QtRemoteObjects", "QtSensors",
    "QtSerialPort", "QtSpatialAudio", "QtSql", "QtStateMachine", "QtTest",
    "QtTextToSpeech", "QtWebChannel", "QtWebEngineCore", "QtWebEngineQuick",
    "QtWebEngineWidgets", "QtWebSockets", "QtXml", "uic", "lupdate",
]
QT_EXCLUDES = [f"PyQt6.{name}" for name in QT_UNUSED_MODULES]

#: Files that the remaining Qt hooks still collect although the client
#: cannot use them, matched against the path inside the bundle.  Plugins
#: are the usual way an excluded Qt library creeps back in (the PDF image
#: format plugin links QtPdf, the virtual keyboard input context Qt Quick).
QT_UNUSED_FILES = [
    "*Qt6WebEngine*", "*Qt6Quick*", "*Qt6Qml*", "*Qt6Pdf*", "*Qt6Multimedia*", "*Qt6Designer*",
    "*Qt6Bluetooth*", "*Qt6Nfc*", "*Qt6Positioning*", "*Qt6Sensors*", "*Qt6SerialPort*",
    "*Qt6RemoteObjects*", "*Qt6Sql*", "*Qt6Test*", "*Qt6TextToSpeech*", "*Qt6WebSockets*",
    "*Qt6WebChannel*", "*Qt6Charts*", "*Qt6DataVisualization*", "*Qt6Graphs*", "*Qt63D*",
    "*Qt6SpatialAudio*", "*Qt6Help*", "*Qt6VirtualKeyboard*", "*Qt6ShaderTools*",
    "*Qt6Network*", "*Qt6OpenGLWidgets*", "*Qt6PrintSupport*",
    "*/qml/*", "*/plugins/imageformats/*qpdf*", "*/plugins/platforminputcontexts/*",
    "*/plugins/multimedia/*", "*/plugins/sqldrivers/*", "*/plugins/designer/*",
    "*/plugins/qmltooling/*", "*/plugins/position/*", "*/plugins/sensors/*",
    "*/plugins/tls/*", "*/plugins/networkinformation/*", "*/plugins/webview/*",
    "*/plugins/texttospeech/*", "*/plugins/sceneparsers/*", "*/plugins/renderers/*",
    "*/plugins/geometryloaders/*", "*/plugins/renderplugins/*", "*/plugins/canbus/*",
    "*/resources/qtwebengine*", "*/libexec/QtWebEngineProcess*",
    # The offscreen, xcb and wayland platforms are what Linux desktops and
    # tests use; the others are for embedded boards.
    "*/plugins/platforms/*linuxfb*", "*/plugins/platforms/*eglfs*",
    "*/plugins/platforms/*minimal*", "*/plugins/platforms/*vnc*",
    "*/plugins/platforms/*vkkhrdisplay*",
    "*/plugins/egldeviceintegrations/*", "*Qt6EglFSDeviceIntegration*", "*Qt6EglFsKmsSupport*",
    # Touch screens and tablets through evdev/TUIO: embedded again.
    "*/plugins/generic/*",
    # The GTK theme needs the desktop's GTK 3 and brings its whole stack in;
    # the xdg-desktop-portal theme covers desktop integration without it.
    "*/plugins/platformthemes/*gtk3*",
    # Image formats a text chat does not show (PNG is built into QtGui;
    # ICO, SVG, JPEG and GIF stay).
    "*/plugins/imageformats/*qtiff*", "*/plugins/imageformats/*qwebp*",
    "*/plugins/imageformats/*qtga*", "*/plugins/imageformats/*qwbmp*",
    "*/plugins/imageformats/*qicns*",
]

#: The interface languages; Qt's own catalogues for any other language are
#: dropped from the bundle.  Keep in step with client_gui/i18n.py LANGUAGES.
QT_TRANSLATION_LANGUAGES = ("en", "ru")


def _bundle_path(dest: str | PurePath) -> str:
    return "/" + PurePath(dest).as_posix()


def is_unused_qt_file(dest: str | PurePath) -> bool:
    """Whether a file the Qt hooks collected is one the client cannot use."""
    path = _bundle_path(dest)
    if any(fnmatch.fnmatch(path, pattern) for pattern in QT_UNUSED_FILES):
        return True
    match = re.search(r"/translations/[a-z]+_([a-zA-Z_]+)\.qm$", path)
    if match and "/Qt6/translations/" in path:
        language = match.group(1).split("_")[0].lower()
        return language not in QT_TRANSLATION_LANGUAGES
    return False


Toc = list[tuple[str, str, str]]


def prune_datas(datas: Toc) -> Toc:
    """Analysis ``datas`` without the files :func:`is_unused_qt_file` names."""
    return [entry for entry in datas if not is_unused_qt_file(entry[0])]


def prune_binaries(binaries: Toc) -> Toc:
    """Analysis ``binaries`` without the unused Qt files, nor the system
    libraries that PyInstaller collected only because those files link them.

    The GTK platform theme alone brings cairo, pango, gdk-pixbuf and a dozen
    more, and mixing a bundled GLib stack with the desktop's own GTK is a
    known source of crashes; the TUIO touch plugin brings QtNetwork and
    Kerberos.  A library is dropped only if a removed file needs it and no
    kept file does (on Linux, where ``ldd`` tells; elsewhere only the named
    files go).
    """
    kept = [entry for entry in binaries if not is_unused_qt_file(entry[0])]
    removed = [entry for entry in binaries if is_unused_qt_file(entry[0])]
    if not sys.platform.startswith("linux") or not removed:
        return kept
    from PyInstaller.depend.bindepend import get_imports

    def needs(entries: Toc) -> set[str]:
        names: set[str] = set()
        for _dest, source, kind in entries:
            if kind in ("BINARY", "EXTENSION") and source and Path(source).is_file():
                # ldd lists the whole closure, not only the direct needs.
                names.update(PurePath(name).name for name, _path in get_imports(source))
        return names

    def top_level_library(entry: tuple[str, str, str]) -> bool:
        dest = PurePath(entry[0])
        return entry[2] == "BINARY" and len(dest.parts) == 1 and not dest.name.startswith(
            "libpython")

    suspects = needs(removed)
    roots = [entry for entry in kept
             if not (top_level_library(entry) and PurePath(entry[0]).name in suspects)]
    still_needed = needs(roots)
    return [entry for entry in kept
            if not (top_level_library(entry) and PurePath(entry[0]).name in suspects
                    and PurePath(entry[0]).name not in still_needed)]


def without_module(pure: Toc, name: str) -> Toc:
    """Analysis ``pure`` without the module ``name``: the product's archive
    without the test hook."""
    return [entry for entry in pure if entry[0] != name]


def scripted_client_scripts(scripts: Toc) -> Toc:
    """The client's Analysis ``scripts`` with its entry point swapped for
    besedka-scripted's: PyInstaller's bootstrap and run-time hooks stay."""
    entry = ("besedka_scripted", str(PACKAGING / "entry_points" / "besedka_scripted.py"),
             "PYSOURCE")
    return [entry if name == "besedka" else (name, path, kind)
            for name, path, kind in scripts]


def server_datas() -> list[tuple[str, str]]:
    """The data files the server reads at run time: the migrations, and the
    Unicode confusables table that decides whether a new name looks like a
    taken one (protocol.rules.username_skeleton)."""
    from PyInstaller.utils.hooks import collect_data_files

    return migrations_datas() + collect_data_files("confusable_homoglyphs")


def migrations_datas() -> list[tuple[str, str]]:
    """Every file Alembic reads at run time, as PyInstaller ``datas``.

    The ``.py`` sources go in as files: Alembic imports ``env.py`` and the
    revisions by path, which frozen bytecode in the archive cannot satisfy.
    """
    source = ROOT / "migrations"
    datas = []
    for path in sorted(source.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
            datas.append((str(path), str(PurePath("migrations") / path.parent.relative_to(source))))
    return datas


def imports_of(path: Path) -> set[str]:
    """The absolute module names a Python file imports (any nesting level)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if node.module == "__future__":
                continue
            names.add(node.module)
            # `from alembic import op` imports the module alembic.op, while
            # `from sqlalchemy import Column` imports no module at all.
            names.update(name for name in (f"{node.module}.{alias.name}" for alias in node.names)
                         if _is_module(name))
    return names


def _is_module(name: str) -> bool:
    import importlib.util

    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, AttributeError, ValueError):
        return False


def migrations_hiddenimports() -> list[str]:
    """Modules that env.py and the revisions import, for ``hiddenimports``."""
    names: set[str] = {"migrations", "sqlite3", "sqlalchemy.dialects.sqlite",
                       "sqlalchemy.dialects.sqlite.pysqlite"}
    for path in sorted((ROOT / "migrations").rglob("*.py")):
        names |= imports_of(path)
    return sorted(names)


def excluded_modules_the_client_imports() -> dict[str, list[str]]:
    """Excluded modules that client_gui imports anyway, by file.

    The client spec refuses to build while this is not empty: an excluded
    Qt module would be missing from the bundle and the frozen client would
    fail at run time, not at build time.
    """
    excluded = set(QT_EXCLUDES)
    found: dict[str, list[str]] = {}
    for path in sorted((ROOT / "client_gui").rglob("*.py")):
        names = sorted(name for name in imports_of(path)
                       if name in excluded or name.rsplit(".", 1)[0] in excluded)
        if names:
            found[path.relative_to(ROOT).as_posix()] = names
    return found


def client_datas() -> list[tuple[str, str]]:
    """The client's compiled translations, icons and sounds, where client_gui
    looks for them (next to its modules: ``client_gui/translations``,
    ``client_gui/icons``, ``client_gui/sounds``)."""
    datas = []
    translations = ROOT / "client_gui" / "translations"
    for path in sorted(translations.glob("*.qm")):
        datas.append((str(path), "client_gui/translations"))
    for folder in ("icons", "sounds"):
        for path in sorted((ROOT / "client_gui" / folder).glob("*")):
            if path.is_file() and path.suffix != ".py":
                datas.append((str(path), f"client_gui/{folder}"))
    return datas


def windows_icon() -> str:
    return str(ICONS / "besedka.ico")


def windows_version_info(product: str, description: str, exe_name: str) -> Any:
    """A version resource for a Windows executable (Explorer's Details tab)."""
    from PyInstaller.utils.win32 import versioninfo as vi

    numbers = [int(part) for part in re.findall(r"\d+", VERSION)[:3]]
    numbers += [0] * (4 - len(numbers))
    as_tuple = tuple(numbers)
    strings = [
        vi.StringStruct("CompanyName", "Besedka"),
        vi.StringStruct("FileDescription", description),
        vi.StringStruct("FileVersion", VERSION),
        vi.StringStruct("InternalName", exe_name),
        vi.StringStruct("OriginalFilename", f"{exe_name}.exe"),
        vi.StringStruct("ProductName", product),
        vi.StringStruct("ProductVersion", VERSION),
    ]
    return vi.VSVersionInfo(
        ffi=vi.FixedFileInfo(filevers=as_tuple, prodvers=as_tuple),
        kids=[
            vi.StringFileInfo([vi.StringTable("040904B0", strings)]),
            vi.VarFileInfo([vi.VarStruct("Translation", [0x0409, 1200])]),
        ],
    )
