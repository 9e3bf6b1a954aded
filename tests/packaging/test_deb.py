"""The .deb installs with apt, runs, and removes cleanly.

These tests change the system: they need root, apt and dpkg, and they skip
when a ``besedka`` package is already installed (someone's real one is never
touched).  CI runs as root on a throwaway machine.  The order matters and is
the order of a person's experience: install, look, run server and client,
remove.
"""

from __future__ import annotations

import configparser
import os
import re
import shlex
import shutil
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from .conftest import REPO, REPORT, Dist, speccommon
from .programs import exercise_client, exercise_server, run, start_server

sys.path.insert(0, str(REPO / "packaging" / "linux"))
import build_deb  # noqa: E402

if sys.platform != "win32":
    import pwd  # POSIX only: imported here so that collection works on Windows

CAN_INSTALL = (sys.platform.startswith("linux") and hasattr(os, "geteuid") and os.geteuid() == 0
               and shutil.which("apt-get") is not None and shutil.which("dpkg") is not None)

pytestmark = [
    pytest.mark.package,
    pytest.mark.timeout(1800),
    pytest.mark.skipif(not sys.platform.startswith("linux") or shutil.which("dpkg") is None,
                       reason="Debian packages only on Debian and Ubuntu"),
]
needs_root = pytest.mark.skipif(not CAN_INSTALL, reason="installing needs root, apt and dpkg")

INSTALL_DIR = Path("/opt/besedka")
UNIT = Path("/usr/lib/systemd/system/besedka-server.service")
DESKTOP = Path("/usr/share/applications/besedka.desktop")
COMMANDS = [Path("/usr/bin/besedka"), Path("/usr/bin/besedka-server")]
ICONS = [Path(f"/usr/share/icons/hicolor/{size}x{size}/apps/besedka.png")
         for size in build_deb.HICOLOR_SIZES] + [
    Path("/usr/share/icons/hicolor/scalable/apps/besedka.svg")]
STATE_DIR = Path("/var/lib/besedka")

#: The packages of libraries a bundle loads from the system, for those this
#: machine does not even have (``ldd`` says "not found", so no package owns
#: them here).
SONAME_PACKAGES = {
    "libGL.so.1": "libgl1", "libGLX.so.0": "libglx0",
    "libwayland-client.so.0": "libwayland-client0",
    "libwayland-cursor.so.0": "libwayland-cursor0", "libwayland-egl.so.1": "libwayland-egl1",
}


def dpkg_status(package: str) -> str:
    result = subprocess.run(["dpkg-query", "-W", "-f=${Status}", package],
                            capture_output=True, text=True, check=False)
    return result.stdout if result.returncode == 0 else "not-installed"


def control_field(deb: Path, name: str) -> str:
    return subprocess.run(["dpkg-deb", "-f", str(deb), name], capture_output=True, text=True,
                          check=True).stdout.strip()


def apt(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["apt-get", *args], cwd=REPO, capture_output=True, text=True,
                          env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"}, check=False)


@pytest.fixture(scope="module")
def installed(dist: Dist) -> Iterator[Path]:
    """The package installed with apt (dependencies and all); removed at the
    end if a test failed before the removal test did it."""
    if not CAN_INSTALL:
        pytest.skip("installing needs root, apt and dpkg")
    assert dist.deb is not None, "no .deb was built"
    if "ok installed" in dpkg_status("besedka"):
        pytest.skip("a besedka package is installed on this machine; not touching it")
    update = apt("update", "-qq")
    relative = f"./{dist.deb.relative_to(REPO)}" if dist.deb.is_relative_to(REPO) else str(
        dist.deb)
    install = apt("install", "-y", relative)
    assert install.returncode == 0, f"{update.stdout}{update.stderr}\n{install.stdout}" \
                                    f"{install.stderr}"
    yield dist.deb
    if dpkg_status("besedka") != "not-installed":
        subprocess.run(["dpkg", "--purge", "besedka"], capture_output=True, check=False)


@needs_root
def test_apt_installs_the_package_and_its_dependencies(installed: Path) -> None:
    assert dpkg_status("besedka") == "install ok installed"
    for package in build_deb.qt_runtime_packages():
        assert "ok installed" in dpkg_status(package), package
    assert control_field(installed, "Version") == build_deb.speccommon.VERSION


@needs_root
def test_files_are_where_the_menu_and_the_shell_look(installed: Path) -> None:
    assert (INSTALL_DIR / "Besedka").is_file()
    assert (INSTALL_DIR / "server" / "besedka-server").is_file()
    # The test-only client (client_gui/scripted.py) is not for users.
    assert not (INSTALL_DIR / speccommon.SCRIPTED_CLIENT_NAME).exists()
    assert os.readlink("/usr/bin/besedka") == "/opt/besedka/Besedka"
    assert os.readlink("/usr/bin/besedka-server") == "/opt/besedka/server/besedka-server"
    for icon in ICONS:
        assert icon.is_file(), icon
    entry = configparser.ConfigParser(interpolation=None)
    entry.optionxform = str  # type: ignore[assignment,method-assign]
    entry.read(DESKTOP, encoding="utf-8")
    section = entry["Desktop Entry"]
    assert section["Type"] == "Application" and section["Name"] == "Besedka"
    assert section["Icon"] == "besedka" and section["Terminal"] == "false"
    executable = Path(shlex.split(section["Exec"])[0])
    assert executable.is_file() and os.access(executable, os.X_OK)
    if shutil.which("desktop-file-validate"):
        result = subprocess.run(["desktop-file-validate", str(DESKTOP)], capture_output=True,
                                text=True, check=False)
        assert result.returncode == 0 and not result.stdout.strip(), result.stdout


@needs_root
def test_the_server_gets_a_system_user_and_a_private_data_directory(installed: Path) -> None:
    user = pwd.getpwnam("besedka")
    assert user.pw_uid < 1000 and user.pw_dir == str(STATE_DIR)
    assert user.pw_shell.endswith("nologin")
    info = STATE_DIR.stat()
    assert info.st_uid == user.pw_uid and stat.S_IMODE(info.st_mode) == 0o750


def unit() -> configparser.ConfigParser:
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(UNIT, encoding="utf-8")
    return parser


@needs_root
def test_the_unit_is_installed_but_not_enabled(installed: Path) -> None:
    service = unit()["Service"]
    assert service["User"] == "besedka" and service["StateDirectory"] == "besedka"
    assert "sqlite:////var/lib/besedka/besedka.db" in service["ExecStart"]
    assert not list(Path("/etc/systemd/system").glob("*.wants/besedka-server.service"))
    if shutil.which("systemctl"):
        state = subprocess.run(["systemctl", "is-enabled", "besedka-server.service"],
                               capture_output=True, text=True, check=False).stdout.strip()
        assert state in ("disabled", ""), state
    if shutil.which("systemd-analyze"):
        result = subprocess.run(["systemd-analyze", "verify", str(UNIT)], capture_output=True,
                                text=True, check=False)
        problems = [line for line in (result.stdout + result.stderr).splitlines()
                    if "besedka-server.service" in line]
        assert not problems, result.stdout + result.stderr


@needs_root
def test_the_installed_server_runs_as_the_service_would(installed: Path) -> None:
    """ExecStart of the unit, as the unit's user (setpriv, as systemd
    would), with TLS as by default, writing its database and certificate
    under /var/lib/besedka.  Only the address and the files are changed for
    the test: a folder of its own there, removed afterwards."""
    service = unit()["Service"]
    command = [word for word in shlex.split(service["ExecStart"]) if not word.startswith("$")]
    as_user = ["setpriv", "--reuid", service["User"], "--regid", service["Group"],
               "--init-groups", "--"]
    besedka = pwd.getpwnam("besedka")
    folder = STATE_DIR / f"package-test-{os.getpid()}"
    folder.mkdir()
    os.chown(folder, besedka.pw_uid, besedka.pw_gid)
    try:
        server, address = start_server([*as_user, *command], folder / "besedka.db", tls=True)
        try:
            run(exercise_server(address, tls=True))
        finally:
            assert server.stop() == 0, server.output
        for name in ("besedka.db", "besedka-tls.pem"):
            assert (folder / name).stat().st_uid == besedka.pw_uid, name
    finally:
        shutil.rmtree(folder)


@needs_root
def test_the_installed_client_starts_from_the_menu_logs_in_and_receives(
        installed: Path, dist: Dist, tmp_path: Path) -> None:
    """The menu entry and the command run the installed Besedka, and the
    installed files serve a client that logs in and receives a message.

    Besedka carries no test hook (test_frozen_client.py checks its archive),
    so the bundle's test-only besedka-scripted, the same client with the
    hook, is put beside it for the length of the test: it runs on the
    installed ``_internal``, i.e. the installed libraries, Qt plugins,
    translations and icons.
    """
    entry = configparser.ConfigParser(interpolation=None)
    entry.read(DESKTOP, encoding="utf-8")
    command = [word for word in shlex.split(entry["Desktop Entry"]["Exec"])
               if not word.startswith("%")]
    for launcher in (command, ["/usr/bin/besedka"]):
        assert Path(launcher[0]).resolve() == INSTALL_DIR / speccommon.CLIENT_NAME
        result = subprocess.run([*launcher, "--version"], capture_output=True, text=True,
                                timeout=60, check=False)
        assert result.returncode == 0, result.stderr
        assert result.stdout.split()[-1] == speccommon.VERSION
    driver = INSTALL_DIR / speccommon.SCRIPTED_CLIENT_NAME
    shutil.copy2(dist.scripted_client_exe, driver)
    server, address = start_server(["/usr/bin/besedka-server"], tmp_path / "chat.db")
    try:
        client = exercise_client([str(driver)], address, tmp_path / "home")
        client.stop()
    finally:
        driver.unlink()
        assert server.stop() == 0, server.output


@needs_root
def test_removal_leaves_nothing_but_the_data(installed: Path) -> None:
    result = subprocess.run(["dpkg", "-r", "besedka"], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    # "config-files": dpkg keeps the maintainer scripts until a purge.
    assert dpkg_status("besedka") == "deinstall ok config-files"
    leftovers = [path for path in [INSTALL_DIR, *COMMANDS, DESKTOP, UNIT, *ICONS]
                 if path.exists() or path.is_symlink()]
    assert not leftovers
    result = subprocess.run(["dpkg", "--purge", "besedka"], capture_output=True, text=True,
                            check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert dpkg_status("besedka") == "not-installed"


def test_every_system_library_the_bundles_load_comes_with_depends(dist: Dist) -> None:
    """What ``ldd`` says the bundled ELF files need from outside the bundle
    must be installed by Depends (or be libc6), else the installed client
    fails to start on a machine that lacks it."""
    if shutil.which("apt-cache") is None or dist.deb is None:
        pytest.skip("needs apt-cache and the .deb")
    needed_packages: dict[str, set[str]] = {}
    for bundle in (dist.client, dist.server):
        bundled = {path.name for path in bundle.rglob("*.so*")}
        for path in bundle.rglob("*"):
            if not path.is_file() or path.is_symlink() or not build_deb.is_elf(path):
                continue
            for soname, resolved in ldd(path):
                if soname in bundled:
                    continue
                package = (SONAME_PACKAGES.get(soname) if resolved is None
                           else owner(resolved))
                if package is None:
                    pytest.fail(f"{path} needs {soname}, which no package here provides")
                needed_packages.setdefault(package, set()).add(soname)
    depends = re.findall(r"([a-z0-9][a-z0-9+.-]+)", re.sub(r"\([^)]*\)", "",
                                                           control_field(dist.deb, "Depends")))
    closure = dependency_closure(depends)
    missing = {package: sorted(sonames) for package, sonames in needed_packages.items()
               if package not in closure}
    assert not missing, "the bundles need packages that Depends lacks (add them to " \
        "packaging/linux/qt-runtime-packages.txt): " + ", ".join(
            f"{package} ({', '.join(sonames)})" for package, sonames in sorted(missing.items()))


def ldd(path: Path) -> list[tuple[str, str | None]]:
    result = subprocess.run(["ldd", str(path)], capture_output=True, text=True, check=False)
    needed = []
    for line in result.stdout.splitlines():
        match = re.match(r"\s*(\S+) => (not found|(\S+))", line)
        if match:
            needed.append((match[1], match[3]))
    return needed


_OWNERS: dict[str, str | None] = {}


def owner(library: str) -> str | None:
    """The Debian package that owns a library file (merged /usr aware)."""
    if library not in _OWNERS:
        _OWNERS[library] = None
        real = os.path.realpath(library)
        for candidate in {library, real, "/usr" + library, real.removeprefix("/usr")}:
            result = subprocess.run(["dpkg-query", "-S", candidate], capture_output=True,
                                    text=True, check=False)
            if result.returncode == 0:
                _OWNERS[library] = result.stdout.split(":")[0].strip()
                break
    return _OWNERS[library]


def dependency_closure(packages: list[str]) -> set[str]:
    result = subprocess.run(
        ["apt-cache", "depends", "--recurse", "--no-recommends", "--no-suggests",
         "--no-conflicts", "--no-breaks", "--no-replaces", "--no-enhances", *packages],
        capture_output=True, text=True, check=False)
    closure = set(packages)
    for line in result.stdout.splitlines():
        line = line.strip()
        if line.startswith(("Depends:", "PreDepends:")):
            line = line.split(":", 1)[1].strip()
        closure.add(line.strip("<>").split(":")[0])
    return closure
