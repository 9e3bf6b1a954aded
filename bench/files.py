"""The files workload of ``make bench``: a 1 GiB file up and down over TLS on loopback.

Besedka's transfer connections are measured against the fastest plain TLS
pipe this machine has, ``openssl s_server`` and ``openssl s_client``: the
same file, the same certificate, the same client program, the server
pinned to one CPU and the client to the other.  What differs is only the
server.  Every transfer, of both targets, is timed the same way: from the
start of the sending client (so its handshake is in the time) until the
last byte is in a file of the receiving end and that file is fsynced:

* **upload**: ``cat FRAME FILE | openssl s_client`` into Besedka (a ``put``
  frame, then the bytes; timed until the server has written, flushed,
  hashed, renamed and recorded the file, answered ``ok`` and closed),
  against ``cat FILE | openssl s_client`` into ``openssl s_server`` writing
  what it receives to a file beside Besedka's (timed until s_server has
  left after the last byte and the bench has fsynced its file, as
  s_server itself cannot);
* **download**: ``openssl s_client`` sending a ``get`` frame to Besedka,
  against ``openssl s_server -WWW`` asked for the file by an HTTP ``GET``;
  both timed until the client has left after the server's close and the
  bench has fsynced what it wrote.

The anchor's client sends with ``-no_ign_eof -nocommands``: without
``-nocommands``, s_client takes a read of its input that starts with
``Q``, ``R``, ``K`` or ``k`` for a command (quit, renegotiate, key update)
and drops it, which cut the anchor's upload short and made it look
impossibly fast (15,696 MB/s) before this was found.  Both receivers'
files are checked for size and SHA-256 after each transfer.

The files are kept in memory (``/dev/shm``, or ``BENCH_FILES_TMP``), where
``fsync`` costs nothing: the figure is the servers', not the disk's, whose
own speed with ``fsync`` is measured beside it with ``dd`` for context.
Besedka's peak RSS is read from ``/proc`` after both transfers.

Run on its own: ``python -m bench.files`` (``BENCH_FILES_MIB=256`` for a
smaller file, ``BENCH_REPEATS=3`` for three runs of each).
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import resource
import shutil
import ssl
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bench.procstat import TICK, cpu_ticks  # noqa: E402
from protocol.framing import FrameDecoder, decode_json_object, encode_frame  # noqa: E402
from tests.server.helpers import rss_kib  # noqa: E402

__all__ = ["FILES_NOTE", "files_workload", "render_files"]

MIB = 1024 * 1024
SIZE_MIB = int(os.environ.get("BENCH_FILES_MIB", "1024"))
FILES_NOTE = (f"a {SIZE_MIB:,} MiB file uploaded and downloaded over TLS on loopback, "
              "openssl s_client as the client of both; the anchor is openssl s_server")


def log(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def _payload(directory: Path) -> tuple[Path, str]:
    """A file of random bytes and its SHA-256."""
    path = directory / "payload.bin"
    digest = hashlib.sha256()
    with open(path, "wb") as file:
        for _ in range(SIZE_MIB):
            chunk = os.urandom(MIB)
            digest.update(chunk)
            file.write(chunk)
    return path, digest.hexdigest()


def _children_cpu() -> float:
    """CPU seconds (user + system) of this process's children reaped so far."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _process_cpu(pid: int) -> float:
    """CPU seconds (user + system) a running process has used."""
    return cpu_ticks(pid) / TICK


def _timed(command: list[str], **options: Any) -> tuple[float, subprocess.CompletedProcess[bytes]]:
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, timeout=900, **options)
    return time.perf_counter() - started, done


# ----------------------------------------------------------------------
# Besedka


class _Besedka:
    """A TLS Besedka server on a fresh database, and a chat connection to it."""

    def __init__(self, workdir: Path, pin: list[str]) -> None:
        command = [*pin, sys.executable, "-m", "server", "--host", "127.0.0.1", "--port", "0",
                   "--no-rate-limits", "--bcrypt-rounds", "4", "--no-announce",
                   "--database", f"sqlite:///{workdir / 'chat.db'}"]
        self.command = command
        self.log_path = workdir / "besedka.log"
        self.process = subprocess.Popen(command, cwd=REPO, stdout=subprocess.PIPE,
                                        stderr=self.log_path.open("ab"))
        assert self.process.stdout is not None
        line = self.process.stdout.readline().decode()
        if not line.startswith("listening on "):
            self.process.kill()
            raise RuntimeError(f"besedka did not start: {line!r}; see {self.log_path}")
        self.port = int(line.rsplit(":", 1)[1])
        self.certificate = workdir / "besedka-tls.pem"

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(60)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(10)


async def _chat(port: int, requests: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Send requests on one TLS chat connection; their replies, in order."""
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    reader, writer = await asyncio.open_connection("127.0.0.1", port, ssl=context)
    decoder = FrameDecoder(1 << 25)
    frames: list[dict[str, Any]] = []

    async def frame() -> dict[str, Any]:
        while not frames:
            data = await reader.read(1 << 16)
            if not data:
                raise ConnectionError("closed")
            frames.extend(decode_json_object(f) for f in decoder.feed(data))
        return frames.pop(0)

    await frame()  # hello
    replies = []
    for number, request in enumerate(requests, 1):
        writer.write(encode_frame({**request, "id": number}))
        while True:
            reply = await frame()
            if reply.get("re") == number:
                replies.append(reply)
                break
    writer.close()
    return replies


def _besedka_run(workdir: Path, payload: Path, sha256: str, pins: tuple[list[str], list[str]],
                 repeat: int) -> dict[str, Any]:
    server_pin, client_pin = pins
    server = _Besedka(workdir, server_pin)
    try:
        before, _ = rss_kib(server.process.pid)
        size = payload.stat().st_size
        register = {"type": "register", "username": f"bench{repeat}", "password": "benchmark1",
                    "protocol": 2}
        offer = {"type": "file_upload", "name": "payload.bin", "size": size, "sha256": sha256}
        _, offered = asyncio.run(_chat(server.port, [register, offer]))
        frame = workdir / "put.json"
        frame.write_bytes(encode_frame({"type": "put", "upload": offered["upload"], "offset": 0}))
        client = [*client_pin, "openssl", "s_client", "-connect", f"127.0.0.1:{server.port}",
                  "-quiet"]
        cpu = _children_cpu(), _process_cpu(server.process.pid)
        up, done = _timed(["sh", "-c", 'f="$1" p="$2"; shift 2; cat "$f" "$p" | exec "$@"',
                           "sh", str(frame), str(payload), *client])
        up_cpu = _children_cpu() - cpu[0], _process_cpu(server.process.pid) - cpu[1]
        if done.returncode != 0 or b'"file"' not in done.stdout:
            raise RuntimeError(f"upload failed: {done.stdout[-300:]!r} {done.stderr[-300:]!r}")
        stored = decode_json_object(done.stdout.strip().splitlines()[-1])
        file_id = stored["file"]["id"]
        _, login, token = asyncio.run(_chat(server.port, [
            {"type": "ping"}, {**register, "type": "login"},
            {"type": "file_download", "file": file_id}]))
        get = workdir / "get.json"
        get.write_bytes(encode_frame({"type": "get", "token": token["token"], "offset": 0}))
        cpu = _children_cpu(), _process_cpu(server.process.pid)
        with open(get, "rb") as stdin:
            down, received = _fetch(client, stdin, workdir, header="besedka")
        down_cpu = _children_cpu() - cpu[0], _process_cpu(server.process.pid) - cpu[1]
        if received != sha256:
            raise RuntimeError("download failed: the bytes received are not the file")
        now, peak = rss_kib(server.process.pid)
        return {"target": "besedka", "repeat": repeat, "upload_mb_s": size / up / 1e6,
                **_cpu_fields(up_cpu, down_cpu),
                "download_mb_s": size / down / 1e6, "upload_s": up, "download_s": down,
                "rss_before_kib": before, "rss_after_kib": now, "server_hwm_kib": peak,
                "server_command": " ".join(server.command), "client_command": " ".join(client)}
    finally:
        server.stop()


# ----------------------------------------------------------------------
# The anchor: openssl s_server


def _anchor_run(workdir: Path, payload: Path, sha256: str, certificate: Path,
                pins: tuple[list[str], list[str]], repeat: int, port: int) -> dict[str, Any]:
    server_pin, client_pin = pins
    size = payload.stat().st_size
    serve = [*server_pin, "openssl", "s_server", "-accept", str(port), "-cert", str(certificate),
             "-key", str(certificate), "-quiet", "-naccept", "1"]
    client = [*client_pin, "openssl", "s_client", "-connect", f"127.0.0.1:{port}", "-quiet"]
    # Upload: s_server keeps its standard input open (at its end it would
    # hang up) and drops what it receives; the client hangs up at the end
    # of its input, and s_server leaves after that one connection.
    received = workdir / "received.bin"
    with open(received, "wb") as output:
        receiver = subprocess.Popen(serve, stdin=subprocess.PIPE, stdout=output,
                                    stderr=subprocess.DEVNULL)
        _wait_listening(port)
        started = time.perf_counter()
        sender = subprocess.Popen(["sh", "-c", 'cat "$0" | exec "$@"', str(payload), *client,
                                   "-no_ign_eof", "-nocommands"],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        cpu = _children_cpu()
        receiver.wait(900)
        os.fsync(output.fileno())
        up = time.perf_counter() - started
    up_server_cpu = _children_cpu() - cpu
    cpu = _children_cpu()
    sender.wait(60)
    up_cpu = _children_cpu() - cpu, up_server_cpu
    assert receiver.stdin is not None
    receiver.stdin.close()
    try:
        if _sha256(received) != sha256:
            raise RuntimeError(f"anchor upload got {received.stat().st_size} bytes, "
                               "not the file")
    finally:
        received.unlink(missing_ok=True)
    # Download: s_server as a web server (-WWW) sends the file asked for
    # after its HTTP header, and hangs up.  (Sending its standard input
    # instead hung now and then: s_server read the socket while the client
    # waited for data.)
    www = [*serve[:serve.index("-quiet")], "-WWW", *serve[serve.index("-quiet"):]]
    request = workdir / "get.http"
    request.write_bytes(f"GET /{payload.name} HTTP/1.0\r\n\r\n".encode())
    sender_server = subprocess.Popen(www, cwd=payload.parent, stdin=subprocess.DEVNULL,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _wait_listening(port)
    with open(request, "rb") as stdin:
        cpu = _children_cpu()
        down, got = _fetch(client, stdin, workdir, header="http")
    down_client_cpu = _children_cpu() - cpu
    sender_server.wait(60)
    down_cpu = down_client_cpu, _children_cpu() - cpu - down_client_cpu
    if got != sha256:
        raise RuntimeError("anchor download: the bytes received are not the file")
    peak = None
    return {"target": "openssl", "repeat": repeat, "upload_mb_s": size / up / 1e6,
            **_cpu_fields(up_cpu, down_cpu),
            "download_mb_s": size / down / 1e6, "upload_s": up, "download_s": down,
            "server_hwm_kib": peak, "server_command": " ".join(serve),
            "client_command": " ".join(client)}


def _cpu_fields(up: tuple[float, float], down: tuple[float, float]) -> dict[str, float]:
    """CPU seconds of the client and the server in each direction: which end
    was busy, and which one waited."""
    return {"upload_client_cpu_s": up[0], "upload_server_cpu_s": up[1],
            "download_client_cpu_s": down[0], "download_server_cpu_s": down[1]}


def _fetch(client: list[str], stdin: Any, workdir: Path, header: str) -> tuple[float, str]:
    """Run a downloading client into a file (in memory), fsynced; seconds
    taken and the SHA-256 of what it got after the ``header`` (see
    :func:`_sha256`)."""
    output = workdir / "downloaded.bin"
    try:
        with open(output, "wb") as stdout:
            started = time.perf_counter()
            subprocess.run(client, stdin=stdin, stdout=stdout, stderr=subprocess.DEVNULL,
                           timeout=900)
            os.fsync(stdout.fileno())
            elapsed = time.perf_counter() - started
        return elapsed, _sha256(output, header)
    finally:
        output.unlink(missing_ok=True)


def _sha256(path: Path, header: str = "") -> str:
    """The SHA-256 of a file after its header: ``besedka`` (the hello, then
    the answer to ``get``), ``http`` (up to the blank line) or none."""
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        if header == "besedka":
            while decode_json_object(file.readline().strip()).get("type") == "hello":
                pass
        while header == "http" and file.readline().strip():
            pass
        while chunk := file.read(MIB):
            digest.update(chunk)
    return digest.hexdigest()


def _wait_listening(port: int) -> None:
    """Wait until something listens on ``port``, without connecting (a probe
    would be the one connection ``-naccept 1`` serves)."""
    wanted = f":{port:04X}"
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        for table in ("/proc/net/tcp", "/proc/net/tcp6"):
            for line in Path(table).read_text().splitlines()[1:]:
                fields = line.split()
                if fields[1].endswith(wanted) and fields[3] == "0A":  # LISTEN
                    return
        time.sleep(0.02)
    raise RuntimeError("openssl s_server did not start listening")


def _disk_mb_s(directory: Path) -> float | None:
    """The disk's own write rate with fsync (dd), for context."""
    target = directory / "dd.bin"
    try:
        elapsed, done = _timed(["dd", "if=/dev/zero", f"of={target}", "bs=1M", "count=256",
                                "conv=fsync"])
    finally:
        target.unlink(missing_ok=True)
    return 256 * MIB / elapsed / 1e6 if done.returncode == 0 else None


def files_workload(pins: tuple[list[str], list[str]], repeats: int) -> list[dict[str, Any]]:
    """Every run of the files workload (Besedka and the anchor, ``repeats`` each)."""
    if shutil.which("openssl") is None:
        return [{"target": "besedka", "workload": "files", "failed": "openssl is not installed"}]
    base = Path(os.environ.get("BENCH_FILES_TMP", "/dev/shm"))
    tmp = Path(tempfile.mkdtemp(prefix="besedka-files-bench-", dir=base))
    results: list[dict[str, Any]] = []
    try:
        log(f"bench: files: writing a {SIZE_MIB} MiB payload in {tmp}")
        payload, sha256 = _payload(tmp)
        certificate: Path | None = None
        for repeat in range(repeats):
            workdir = Path(tempfile.mkdtemp(prefix="run-", dir=tmp))
            try:
                result = _besedka_run(workdir, payload, sha256, pins, repeat)
                certificate = certificate or _keep(workdir / "besedka-tls.pem", tmp)
            except Exception as error:  # noqa: BLE001 - one failed run must not end the bench
                result = {"target": "besedka", "repeat": repeat, "failed": str(error)}
            finally:
                shutil.rmtree(workdir, ignore_errors=True)
            results.append(result)
            if certificate is not None:
                from bench.run import free_port

                try:
                    results.append(_anchor_run(tmp, payload, sha256, certificate, pins, repeat,
                                               free_port()))
                except Exception as error:  # noqa: BLE001
                    results.append({"target": "openssl", "repeat": repeat, "failed": str(error)})
            for r in results[-2:]:
                log(f"bench: files {r['target']:8} #{repeat + 1}: " + (
                    f"up {r['upload_mb_s']:.0f} MB/s, down {r['download_mb_s']:.0f} MB/s"
                    if "upload_mb_s" in r else f"failed: {r.get('failed')}"))
        disk = _disk_mb_s(Path(os.environ.get("BENCH_TMP", "/var/tmp")))
        for r in results:
            r.update(workload="files", disk_fsync_mb_s=disk, size_mib=SIZE_MIB)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return results


def _keep(certificate: Path, directory: Path) -> Path:
    kept = directory / "certificate.pem"
    shutil.copy(certificate, kept)
    return kept


def render_files(results: list[dict[str, Any]]) -> tuple[list[str], list[str]]:
    """Rows for the table and lines for the goals."""
    import statistics

    def med(target: str, metric: str) -> float | None:
        values = [r[metric] for r in results if r.get("target") == target and r.get(metric)]
        return statistics.median(values) if values else None

    rows = []
    for target in ("besedka", "openssl"):
        up, down = med(target, "upload_mb_s"), med(target, "download_mb_s")
        hwm = med(target, "server_hwm_kib")
        failed = sum(1 for r in results if r.get("target") == target and "failed" in r)
        shown = (f"up {up:,.0f} MB/s, down {down:,.0f} MB/s" if up and down else "failed")
        rss = f"{hwm / 1024:.1f} MiB" if hwm else "–"
        rows.append(f"| {target} | files ({SIZE_MIB:,} MiB over TLS) | {shown}"
                    f"{f' ({failed} failed)' if failed else ''} | | | | {rss} | | | | |")
    disk = next((r.get("disk_fsync_mb_s") for r in results if r.get("disk_fsync_mb_s")), None)
    goals = []
    for direction in ("upload", "download"):
        mine, anchor = med("besedka", f"{direction}_mb_s"), med("openssl", f"{direction}_mb_s")
        if mine is None or anchor is None:
            goals.append(f"- files {direction}: not measured")
            continue
        share = mine / anchor
        met = share >= 0.5 and mine >= 200
        goals.append(f"- files {direction} ≥ 50 % of openssl's and ≥ 200 MB/s: "
                     f"{mine:,.0f} MB/s, {share:.0%} of openssl's {anchor:,.0f} MB/s — "
                     f"{'met' if met else 'NOT met'}")
    for direction in ("upload", "download"):
        parts = []
        for target in ("besedka", "openssl"):
            wall = med(target, f"{direction}_s")
            client, server = (med(target, f"{direction}_{end}_cpu_s")
                              for end in ("client", "server"))
            if wall and client is not None and server is not None:
                parts.append(f"{target} {wall:.2f} s: client CPU {client:.2f} s, "
                             f"server CPU {server:.2f} s")
        if parts:
            goals.append(f"- files {direction}, time and CPU (medians): " + "; ".join(parts))
    hwm = med("besedka", "server_hwm_kib")
    if hwm:
        goals.append(f"- files: Besedka's peak RSS through both transfers {hwm / 1024:.1f} MiB "
                     f"for a {SIZE_MIB:,} MiB file")
    if disk:
        goals.append(f"- (context: this machine's disk writes {disk:,.0f} MB/s with fsync; the "
                     "files were kept in memory, so the figures above are the servers')")
    return rows, goals


if __name__ == "__main__":
    from bench.run import pinning

    runs = files_workload(pinning(), int(os.environ.get("BENCH_REPEATS", "1")))
    table, lines = render_files(runs)
    print(json.dumps(runs, indent=1))
    print("\n".join(table + [""] + lines))
