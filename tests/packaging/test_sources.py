"""The packaging sources agree with each other and with the code (fast; no build).

These run in the ordinary ``make test`` and on the Windows runner: the
specs' rules, the icon files, the .deb's layout, maintainer scripts, unit
and menu entry, and the Inno Setup script and its workflow, which cannot be
run on Linux but must name the same bundles, executables and version source
as the Linux build.
"""

from __future__ import annotations

import configparser
import re
import shutil
import subprocess
import sys
from pathlib import Path, PurePosixPath, PureWindowsPath

import pytest

from client_gui.i18n import LANGUAGES
from protocol.version import BESEDKA_VERSION

from .conftest import REPO, speccommon

sys.path.insert(0, str(REPO / "packaging" / "linux"))
sys.path.insert(0, str(REPO / "packaging" / "icons"))
import build_deb  # noqa: E402
import make_icons  # noqa: E402

PACKAGING = REPO / "packaging"
ISS = PACKAGING / "windows" / "besedka.iss"
WORKFLOW = REPO / ".github" / "workflows" / "windows.yml"


def test_the_version_comes_from_protocol_version() -> None:
    assert speccommon.VERSION == BESEDKA_VERSION
    printed = subprocess.run([sys.executable, str(PACKAGING / "version.py")], capture_output=True,
                             text=True, check=True).stdout.strip()
    assert printed == BESEDKA_VERSION


# -- the specs' rules ---------------------------------------------------------

def test_alembic_scripts_go_in_as_files_with_what_they_import() -> None:
    datas = {(Path(source).relative_to(REPO / "migrations").as_posix(), dest)
             for source, dest in speccommon.migrations_datas()}
    assert ("env.py", "migrations") in {(name, PurePosixPath(dest).as_posix())
                                        for name, dest in datas}
    assert any(name.startswith("versions/") and name.endswith(".py") for name, _ in datas)
    assert not any("__pycache__" in name for name, _ in datas)
    hidden = set(speccommon.migrations_hiddenimports())
    assert {"alembic.op", "sqlalchemy", "db.models", "db.engine", "migrations",
            "sqlalchemy.dialects.sqlite", "sqlite3"} <= hidden
    # Names that are not modules (from sqlalchemy import Column) stay out.
    assert "collections.abc.Sequence" not in hidden


@pytest.mark.parametrize("path", [
    "PyQt6/Qt6/lib/libQt6WebEngineCore.so.6",
    "PyQt6/Qt6/lib/libQt6Quick.so.6",
    "PyQt6/Qt6/lib/libQt6Pdf.so.6",
    "PyQt6/Qt6/plugins/imageformats/libqpdf.so",
    "PyQt6/Qt6/plugins/platforminputcontexts/libqtvirtualkeyboardplugin.so",
    "PyQt6/Qt6/plugins/platformthemes/libqgtk3.so",
    "PyQt6/Qt6/qml/QtQuick/Controls/qmldir",
    "PyQt6/Qt6/translations/qtbase_de.qm",
    "PyQt6\\Qt6\\bin\\Qt6Multimedia.dll",
])
def test_unused_qt_files_are_recognised(path: str) -> None:
    assert speccommon.is_unused_qt_file(PureWindowsPath(path) if "\\" in path else path)


@pytest.mark.parametrize("path", [
    "PyQt6/Qt6/lib/libQt6Widgets.so.6",
    "PyQt6/Qt6/lib/libQt6DBus.so.6",
    "PyQt6/Qt6/plugins/platforms/libqxcb.so",
    "PyQt6/Qt6/plugins/platforms/libqwayland.so",
    "PyQt6/Qt6/plugins/platforms/libqoffscreen.so",
    "PyQt6/Qt6/plugins/imageformats/libqsvg.so",
    "PyQt6/Qt6/translations/qtbase_ru.qm",
    "PyQt6/Qt6/translations/qt_en.qm",
    "PyQt6\\Qt6\\plugins\\platforms\\qwindows.dll",
    "client_gui/translations/besedka_ru.qm",
])
def test_needed_qt_files_are_kept(path: str) -> None:
    assert not speccommon.is_unused_qt_file(PureWindowsPath(path) if "\\" in path else path)


def test_the_client_imports_no_qt_module_the_spec_leaves_out() -> None:
    assert speccommon.excluded_modules_the_client_imports() == {}


def test_qt_catalogues_are_kept_for_the_interface_languages() -> None:
    assert set(speccommon.QT_TRANSLATION_LANGUAGES) == set(LANGUAGES)


def test_the_client_spec_collects_translations_and_icons() -> None:
    datas = {Path(source).relative_to(REPO).as_posix(): dest
             for source, dest in speccommon.client_datas()}
    for qm in (REPO / "client_gui" / "translations").glob("*.qm"):
        assert datas[qm.relative_to(REPO).as_posix()] == "client_gui/translations"
    for icon in (REPO / "client_gui" / "icons").iterdir():
        assert datas[icon.relative_to(REPO).as_posix()] == "client_gui/icons"


# -- the icon -----------------------------------------------------------------

def test_only_the_test_clients_archive_gets_the_hook_and_its_entry_point() -> None:
    pure = [("client_gui.app", "app.py", "PYMODULE"),
            (speccommon.SCRIPTED_MODULE, "scripted.py", "PYMODULE")]
    assert speccommon.without_module(pure, speccommon.SCRIPTED_MODULE) == pure[:1]
    scripts = [("pyiboot01_bootstrap", "boot.py", "PYSOURCE"),
               ("pyi_rth_pyqt6", "rth.py", "PYSOURCE"),
               ("besedka", str(PACKAGING / "entry_points" / "besedka.py"), "PYSOURCE")]
    swapped = speccommon.scripted_client_scripts(scripts)
    assert swapped[:2] == scripts[:2]
    name, path, kind = swapped[2]
    assert (name, kind) == ("besedka_scripted", "PYSOURCE")
    assert "client_gui.scripted" in speccommon.imports_of(Path(path))


def test_the_app_icon_is_the_clients_drawing() -> None:
    assert (PACKAGING / "icons" / "besedka.svg").read_bytes() == (
        REPO / "client_gui" / "icons" / "besedka.svg").read_bytes()


def test_icon_files_match_the_svg(qapp: object) -> None:
    """The committed PNGs and .ico are what make_icons.py renders now (up to
    anti-aliasing differences between Qt versions)."""
    from PyQt6.QtGui import QImage

    def pixels(data: bytes) -> tuple[int, int, bytes]:
        image = QImage.fromData(data).convertToFormat(QImage.Format.Format_RGBA8888)
        bits = image.constBits()
        assert bits is not None
        bits.setsize(image.sizeInBytes())
        return image.width(), image.height(), bytes(bits)

    for path, fresh in make_icons.outputs().items():
        assert path.exists(), f"{path.name} missing: run python packaging/icons/make_icons.py"
        if path.suffix == ".ico":
            assert make_icons.ico_sizes(path.read_bytes()) == list(make_icons.ICO_SIZES)
            continue
        width, height, committed = pixels(path.read_bytes())
        assert (width, height) == pixels(fresh)[:2]
        difference = sum(abs(a - b) for a, b in zip(committed, pixels(fresh)[2], strict=True))
        assert difference / len(committed) < 1.0, (
            f"{path.name} is stale: run python packaging/icons/make_icons.py")


# -- the .deb -----------------------------------------------------------------

def fake_bundles(tmp_path: Path) -> tuple[Path, Path]:
    """Bundles with real ELF executables (for the glibc floor), nothing else."""
    client = tmp_path / "dist" / speccommon.CLIENT_NAME
    server = tmp_path / "dist" / speccommon.SERVER_NAME
    for bundle, name in ((client, speccommon.CLIENT_NAME), (server, speccommon.SERVER_NAME)):
        (bundle / "_internal").mkdir(parents=True)
        shutil.copy2(Path(sys.executable).resolve(), bundle / name)
        (bundle / "_internal" / "data.txt").write_text("bundled")
    shutil.copy2(Path(sys.executable).resolve(), client / speccommon.SCRIPTED_CLIENT_NAME)
    return client, server


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the .deb is built on Linux")
def test_the_deb_layout_control_and_scripts(tmp_path: Path) -> None:
    client, server = fake_bundles(tmp_path)
    root = tmp_path / "stage"
    build_deb.stage(client, server, root, version=BESEDKA_VERSION, arch="amd64")

    control = dict(line.split(": ", 1) for line in
                   (root / "DEBIAN" / "control").read_text().splitlines()
                   if ": " in line and not line.startswith(" "))
    assert control["Package"] == "besedka" and control["Version"] == BESEDKA_VERSION
    depends = [field.strip() for field in control["Depends"].split(",")]
    assert re.fullmatch(r"libc6 \(>= 2\.\d+\)", depends[0])
    assert depends[1:] == build_deb.qt_runtime_packages()
    assert int(control["Installed-Size"]) > 0

    assert (root / "opt/besedka" / speccommon.CLIENT_NAME).is_file()
    # The test-only client stays behind: users never get its hook.
    assert not (root / "opt/besedka" / speccommon.SCRIPTED_CLIENT_NAME).exists()
    assert speccommon.SCRIPTED_CLIENT_NAME not in (root / "DEBIAN" / "md5sums").read_text()
    assert (root / "opt/besedka/server" / speccommon.SERVER_NAME).is_file()
    assert (root / "usr/bin/besedka-server").readlink() == Path(
        "/opt/besedka/server/besedka-server")
    assert (root / "usr/bin/besedka").readlink() == Path("/opt/besedka/Besedka")
    md5sums = (root / "DEBIAN" / "md5sums").read_text()
    assert "opt/besedka/_internal/data.txt" in md5sums and "DEBIAN" not in md5sums

    for script in ("postinst", "prerm", "postrm"):
        path = root / "DEBIAN" / script
        assert path.stat().st_mode & 0o111
        subprocess.run(["sh", "-n", str(path)], check=True)
        text = path.read_text()
        # Never enable the service, and never call systemctl where systemd
        # is not running (containers, chroots, CI).
        assert "enable" not in re.sub(r"#.*", "", text)
        for line in text.splitlines():
            if "systemctl" in line and not line.lstrip().startswith("#"):
                up_to_here = text[:text.index(line) + len(line)]
                assert "[ -d /run/systemd/system ]" in up_to_here, (script, line)


def test_the_menu_entry_and_the_unit_point_into_the_package() -> None:
    entry = configparser.ConfigParser(interpolation=None)
    entry.optionxform = str  # type: ignore[assignment,method-assign]
    entry.read(PACKAGING / "linux" / "deb" / "besedka.desktop", encoding="utf-8")
    desktop = entry["Desktop Entry"]
    assert desktop["Exec"] == f"/{build_deb.INSTALL_DIR}/{speccommon.CLIENT_NAME}"
    assert desktop["Icon"] == "besedka" and "Chat" in desktop["Categories"]

    unit = configparser.ConfigParser(interpolation=None, strict=False)
    unit.optionxform = str  # type: ignore[assignment,method-assign]
    unit.read(PACKAGING / "linux" / "deb" / build_deb.UNIT, encoding="utf-8")
    service = unit["Service"]
    assert service["ExecStart"].split()[0] == (
        f"/{build_deb.INSTALL_DIR}/{build_deb.SERVER_SUBDIR}/{speccommon.SERVER_NAME}")
    assert service["User"] == "besedka" and service["StateDirectory"] == "besedka"
    assert "--database sqlite:////var/lib/besedka/besedka.db" in service["ExecStart"]
    assert unit["Install"]["WantedBy"] == "multi-user.target"


# -- Windows ------------------------------------------------------------------

def iss_defines() -> dict[str, str]:
    return dict(re.findall(r'^#define (\w+) "([^"]*)"', ISS.read_text("utf-8"), re.MULTILINE))


def test_the_installer_takes_its_version_from_the_package_only() -> None:
    text = ISS.read_text("utf-8")
    assert "#ifndef AppVersion" in text and "#error" in text
    assert "AppVersion" not in iss_defines()
    assert re.search(r"^AppVersion=\{#AppVersion\}$", text, re.MULTILINE)
    assert re.search(r"^OutputBaseFilename=Besedka-Setup-\{#AppVersion\}$", text, re.MULTILINE)
    assert BESEDKA_VERSION not in text
    workflow = WORKFLOW.read_text("utf-8")
    assert "python packaging/version.py" in workflow
    assert '"/DAppVersion=${{ steps.version.outputs.version }}"' in workflow


def test_the_installer_wraps_the_bundles_the_specs_build() -> None:
    defines = iss_defines()
    windows = PACKAGING / "windows"
    assert defines["ClientExe"] == f"{speccommon.CLIENT_NAME}.exe"
    # The test-only client is in the bundle but not in the installer.
    assert defines["ScriptedExe"] == f"{speccommon.SCRIPTED_CLIENT_NAME}.exe"
    client_files = re.search(r'^Source: "\{#ClientBundle\}\\\*";(.*)$', ISS.read_text("utf-8"),
                             re.MULTILINE)
    assert client_files and 'Excludes: "{#ScriptedExe}"' in client_files[1]
    assert defines["ServerExe"] == f"{speccommon.SERVER_NAME}.exe"

    def resolve(relative: str) -> Path:
        return (windows / PureWindowsPath(relative).as_posix()).resolve()

    assert resolve(defines["ClientBundle"]) == REPO / "dist" / speccommon.CLIENT_NAME
    assert resolve(defines["ServerBundle"]) == REPO / "dist" / speccommon.SERVER_NAME
    text = ISS.read_text("utf-8")
    icon = re.search(r"^SetupIconFile=(.+)$", text, re.MULTILINE)
    assert icon and resolve(icon[1]) == PACKAGING / "icons" / "besedka.ico"
    assert resolve(re.search(r"^OutputDir=(.+)$", text, re.MULTILINE)[1]) == REPO / "dist"  # type: ignore[index]
    # The same layout as the .deb: the server in a "server" folder.
    assert rf'DestDir: "{{app}}\{build_deb.SERVER_SUBDIR}"' in text
    assert '{app}\\server\\{#ServerExe}' in text
    # Every Source file outside dist exists in the tree (but the trusted
    # servers, which an administrator puts beside the setup program).
    for source in re.findall(r'^Source: "([^"]+)"', text, re.MULTILINE):
        if not source.startswith(("{#", "{src}")):
            assert resolve(source).exists(), source
    trust = re.search(r'^Source: "\{src\}\\besedka-trust\.txt"; DestDir: "\{app\}";(.*)$',
                      text, re.MULTILINE)
    assert trust and "external" in trust[1] and "skipifsourcedoesntexist" in trust[1]
    assert "localport={#ServerPort}" in text and defines["ServerPort"] == "7447"


def iss_section(name: str) -> list[str]:
    """The entries of one [Section] of the Inno Setup script, comments left out."""
    text = ISS.read_text("utf-8")
    body = re.search(rf"^\[{re.escape(name)}\]\n(.*?)(?=^\[|\Z)", text, re.MULTILINE | re.DOTALL)
    assert body is not None, f"no [{name}] section"
    return [line for line in body[1].splitlines() if line.strip() and not line.startswith(";")]


def iss_entry(line: str) -> dict[str, str]:
    """``Name: "x"; Flags: y`` as a dict (values unquoted, "" unescaped)."""
    entry = {}
    for key, value in re.findall(r'(\w+): ("(?:[^"]|"")*"|[^;]*)', line):
        value = value.strip()
        if value.startswith('"'):
            value = value[1:-1].replace('""', '"')
        entry[key] = value
    return entry


def test_the_installer_needs_inno_setup_6_3_for_x64compatible() -> None:
    text = ISS.read_text("utf-8")
    assert "ArchitecturesAllowed=x64compatible" in text
    check = re.search(r"^#if VER < EncodeVer\((\d+), (\d+), (\d+)\)\n\s+#error", text, re.MULTILINE)
    assert check and tuple(map(int, check.groups())) >= (6, 3, 0)
    assert text.index("#if VER <") < text.index("[Setup]")


def test_an_upgrade_deletes_the_old_bundles_first() -> None:
    entries = [iss_entry(line) for line in iss_section("InstallDelete")]
    deleted = {(entry["Type"], entry["Name"]) for entry in entries}
    assert deleted == {("filesandordirs", "{app}\\_internal"),
                       ("filesandordirs", f"{{app}}\\{build_deb.SERVER_SUBDIR}\\_internal")}


def firewall_rules() -> dict[str, dict[str, str]]:
    """The rules the installer adds: name -> netsh's fields and the entry's conditions."""
    defines = iss_defines()
    rules = {}
    for entry in map(iss_entry, iss_section("Run")):
        parameters = entry.get("Parameters", "")
        if entry.get("Filename") != "{sys}\\netsh.exe" or " add rule " not in parameters:
            continue
        fields = dict(re.findall(r'(\w+)=("[^"]*"|\S+)', parameters))
        fields = {key: value.strip('"') for key, value in fields.items()}
        name = re.sub(r"\{#(\w+)\}", lambda m: defines[m[1]], fields.pop("name"))
        rules[name] = {**fields, "Tasks": entry.get("Tasks", ""),
                       "Components": entry.get("Components", "")}
    return rules


def test_the_firewall_lets_through_chat_and_lan_discovery_for_both_programs() -> None:
    defines = iss_defines()
    rules = firewall_rules()
    server_exe = f"{{app}}\\{build_deb.SERVER_SUBDIR}\\{{#ServerExe}}"
    assert rules == {
        defines["FirewallRule"]: {
            "dir": "in", "action": "allow", "protocol": "TCP", "localport": "{#ServerPort}",
            "program": server_exe, "enable": "yes", "profile": "private,domain",
            "Tasks": "firewall", "Components": "server"},
        defines["ServerDiscoveryRule"]: {
            "dir": "in", "action": "allow", "protocol": "UDP", "localport": "{#DiscoveryPort}",
            "program": server_exe, "enable": "yes", "profile": "private,domain",
            "Tasks": "firewall", "Components": "server"},
        defines["ClientDiscoveryRule"]: {
            "dir": "in", "action": "allow", "protocol": "UDP", "localport": "{#DiscoveryPort}",
            "program": "{app}\\{#ClientExe}", "enable": "yes", "profile": "private,domain",
            "Tasks": "firewall", "Components": ""},
    }
    assert defines["ServerPort"] == "7447" and defines["DiscoveryPort"] == "5353"
    # The firewall task is for every install made with administrator rights,
    # the client-only ones too.
    tasks = {entry["Name"]: entry for entry in map(iss_entry, iss_section("Tasks"))}
    assert "Components" not in tasks["firewall"]
    assert tasks["firewall"]["Check"] == "IsAdminInstallMode"


def test_every_firewall_rule_is_deleted_before_it_is_added_and_on_uninstall() -> None:
    defines = iss_defines()
    run = [iss_entry(line) for line in iss_section("Run")]
    uninstall = [iss_entry(line) for line in iss_section("UninstallRun")]

    def rule_name(entry: dict[str, str], action: str) -> str | None:
        found = re.search(rf'firewall {action} rule name="\{{#(\w+)\}}"', entry.get("Parameters", ""))
        return defines[found[1]] if found else None

    for name in firewall_rules():
        added = next(i for i, entry in enumerate(run) if rule_name(entry, "add") == name)
        deleted = [i for i, entry in enumerate(run) if rule_name(entry, "delete") == name]
        assert deleted and deleted[0] < added, name
        removal = [entry for entry in uninstall if rule_name(entry, "delete") == name]
        assert len(removal) == 1 and removal[0]["Tasks"] == "firewall", name
    run_once_ids = [entry["RunOnceId"] for entry in uninstall]
    assert len(run_once_ids) == len(set(run_once_ids)), "each [UninstallRun] entry needs its own id"


def test_the_server_can_be_installed_as_the_windows_service() -> None:
    from server import winservice

    assert iss_defines()["ServiceName"] == winservice.SERVICE_NAME
    tasks = {entry["Name"]: entry for entry in map(iss_entry, iss_section("Tasks"))}
    assert tasks["service"]["Components"] == "server"
    assert tasks["service"]["Check"] == "IsAdminInstallMode"
    server_exe = f"{{app}}\\{build_deb.SERVER_SUBDIR}\\{{#ServerExe}}"
    run = [entry for entry in map(iss_entry, iss_section("Run"))
           if entry["Filename"] == server_exe]
    assert {(entry["Parameters"], entry["Tasks"]) for entry in run} == {
        ("service install --start", "service"), ("service remove", "not service")}
    uninstall = [entry for entry in map(iss_entry, iss_section("UninstallRun"))
                 if entry["Filename"] == server_exe]
    assert [(entry["Parameters"], entry["Tasks"]) for entry in uninstall] == [
        ("service remove", "service")]
    # Run before the files are replaced: an upgrade stops the service first.
    assert "net.exe'), 'stop {#ServiceName}'" in ISS.read_text("utf-8")
    # The commands the installer runs are the ones the program knows.
    parser = winservice.build_parser()
    for entry in [*run, *uninstall]:
        words = entry["Parameters"].split()
        assert words[0] == "service"
        args, unknown = parser.parse_known_args(words[1:])
        assert unknown == [] and args.command == words[1]


def test_the_windows_workflow_tests_builds_installs_and_uninstalls() -> None:
    workflow = WORKFLOW.read_text("utf-8")
    for needed in ("actions/setup-python", 'python-version: ["3.11", "3.13"]',
                   "python-version: ${{ matrix.python-version }}", "runs-on: windows-latest",
                   '".[test,package]"', 'python -m pytest -m "not package"', "python -m mypy",
                   "python packaging/build.py --no-installer", "python -m tests.old_database",
                   "python -m server.probe", "admin --database $url backup",
                   "python -m pytest -m package tests/packaging", r"packaging\windows\besedka.iss",
                   "/VERYSILENT", "/TASKS=firewall,service", "netsh advfirewall firewall show rule",
                   "Get-Service BesedkaServer", "unins000.exe", "upload-artifact"):
        assert needed in workflow, needed
    # It runs where GitHub looks for workflows.
    assert WORKFLOW.parent == REPO / ".github" / "workflows"
    assert not (PACKAGING / "windows" / "build-windows.yml").exists()
