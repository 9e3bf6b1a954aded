"""How the desktop client copes with one conversation of 100,000 messages.

Measures, against a real server on a real SQLite database:

* time to first page shown: from pressing "Log in" until the message view
  has painted the newest messages of the general room (100,000 of them);
* scrolling back 10,000 messages: pulling the view to the top until 10,000
  older messages are loaded (in pages, as a person scrolling would), the
  time it took, and the process's resident memory before and after (the
  goal: flat, within 20 MB).

Each run is a fresh client process (so memory figures do not mix); the
median of ``--runs`` runs is reported.  The database is generated once,
directly through ``db/`` (sending 100,000 messages through the protocol
would mostly measure the server's durable commits).

    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/client_scale.py [--runs 5] [--json]

``--json`` adds a last line with the medians as JSON, for ``bench/run.py``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.demo_data import DemoMessage, ServerRun, insert_messages, register  # noqa: E402

MESSAGES = 100_000
SCROLL_BACK = 10_000
PASSWORD = "benchmark password"


def make_database(database: Path) -> None:
    """Two accounts, then 100,000 general messages spread over 60 days."""
    server = ServerRun(database)  # creates the schema
    try:
        register(server.port, "alice", PASSWORD)
        register(server.port, "bob", PASSWORD)
    finally:
        server.stop()
    start = datetime.now(UTC) - timedelta(days=60)
    step = timedelta(days=60) / MESSAGES
    insert_messages(database, (
        DemoMessage("bob" if number % 3 else "alice", None,
                    f"Message {number}: " + "lorem ipsum dolor sit amet " * (1 + number % 7),
                    start + step * number)
        for number in range(MESSAGES)))


def measure(port: int) -> dict[str, float]:
    """One client run (in this process); returns its figures."""
    from PyQt6.QtCore import QEvent, QObject, QSettings
    from PyQt6.QtWidgets import QApplication

    from client_gui.app import Besedka
    from client_gui.i18n import LanguageManager
    from client_gui.settings import Settings

    app = QApplication([])
    settings_dir = tempfile.mkdtemp()
    settings = Settings(QSettings(f"{settings_dir}/b.ini", QSettings.Format.IniFormat))
    languages = LanguageManager(app, settings)
    languages.choose("en")
    # bench.demo_data runs its server with --no-tls, so the client talks plain TCP.
    besedka = Besedka.with_network(app, settings, languages, ("127.0.0.1", port), tls=False)
    besedka.start()

    shown_at: list[float] = []

    class PaintWatcher(QObject):
        """Notes when the message view first paints with rows in it."""

        def eventFilter(self, watched: QObject | None, event: QEvent | None) -> bool:
            window = besedka.chat_window
            model = window.message_view.model() if window is not None else None
            if (event is not None and event.type() == QEvent.Type.Paint
                    and model is not None and model.rowCount() > 0 and not shown_at):
                shown_at.append(time.perf_counter())
            return False

    watcher = PaintWatcher()
    app.installEventFilter(watcher)

    def wait(condition, seconds: float = 120) -> None:  # type: ignore[no-untyped-def]
        deadline = time.monotonic() + seconds
        while not condition():
            if time.monotonic() > deadline:
                raise TimeoutError
            app.processEvents()
            time.sleep(0.001)

    login = besedka.login_window
    assert login is not None
    login.username.setText("alice")
    login.password.setText(PASSWORD)
    started = time.perf_counter()
    login.log_in_button.click()
    wait(lambda: bool(shown_at))
    first_page = shown_at[0] - started

    window = besedka.chat_window
    assert window is not None
    view = window.message_view
    model = window.conversations.model(None)
    initial = model.rowCount()
    bar = view.verticalScrollBar()
    viewport = view.viewport()
    assert bar is not None and viewport is not None
    rss_before = _rss_mib()
    scroll_started = time.perf_counter()
    cpu_started = time.process_time()
    while model.rowCount() < initial + SCROLL_BACK:
        count = model.rowCount()
        bar.setValue(0)
        wait(lambda count=count: model.rowCount() > count)
        app.processEvents()
    scroll_time = time.perf_counter() - scroll_started
    # The client's own share (this process; the network thread included),
    # apart from waiting for the server.
    scroll_cpu = time.process_time() - cpu_started
    # One more paint with 10,000+ rows loaded, at the top.
    viewport.repaint()
    rss_after = _rss_mib()
    loaded = model.rowCount()
    besedka.shut_down()
    return {"first_page_ms": first_page * 1000, "scroll_back_s": scroll_time,
            "scroll_back_cpu_s": scroll_cpu, "rss_before_mib": rss_before,
            "rss_mib": rss_after, "rss_growth_mib": rss_after - rss_before,
            "rows_loaded": loaded}


def _rss_mib() -> float:
    """This process's resident memory (Linux)."""
    status = Path("/proc/self/status").read_text().splitlines()
    return next(int(line.split()[1]) for line in status if line.startswith("VmRSS:")) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--json", action="store_true", help="end with the medians as JSON")
    parser.add_argument("--measure-port", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure_port:
        print(json.dumps(measure(args.measure_port)))
        return

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    # The client looks for servers on the LAN (mDNS); a benchmark keeps
    # that on loopback, so nothing of it leaves the machine.
    os.environ["BESEDKA_MDNS_INTERFACES"] = "127.0.0.1"
    with tempfile.TemporaryDirectory() as directory:
        database = Path(directory) / "bench.db"
        began = time.perf_counter()
        make_database(database)
        print(f"generated {MESSAGES:,} messages in {time.perf_counter() - began:.1f} s")
        server = ServerRun(database)
        port = server.port
        try:
            results = []
            for run in range(args.runs):
                output = subprocess.run(
                    [sys.executable, __file__, "--measure-port", str(port)], cwd=REPO,
                    capture_output=True, text=True, timeout=600, check=True).stdout
                result = json.loads(output.strip().splitlines()[-1])
                results.append(result)
                print(f"run {run + 1}: first page {result['first_page_ms']:.0f} ms, "
                      f"scroll back {result['rows_loaded'] - 100:,.0f} messages in "
                      f"{result['scroll_back_s']:.2f} s (client CPU "
                      f"{result['scroll_back_cpu_s']:.2f} s), RSS {result['rss_before_mib']:.0f}"
                      f" -> {result['rss_mib']:.0f} MiB")
        finally:
            server.stop()
    medians = {key: statistics.median(r[key] for r in results) for key in results[0]}
    print(f"median of {args.runs}: "
          f"first page shown {medians['first_page_ms']:.0f} ms; "
          f"scrolling back {SCROLL_BACK:,} messages took {medians['scroll_back_s']:.2f} s "
          f"(client CPU {medians['scroll_back_cpu_s']:.2f} s), "
          f"RSS {medians['rss_before_mib']:.0f} -> {medians['rss_mib']:.0f} MiB "
          f"({medians['rss_growth_mib']:+.0f} MiB)")
    if args.json:
        print(json.dumps(medians))


if __name__ == "__main__":
    main()
