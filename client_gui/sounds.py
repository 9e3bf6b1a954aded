"""The notification sounds and playing them without a multimedia library.

The client leaves Qt Multimedia out of its bundle (it is large and pulls
in codecs), so a sound is played the way each system plays a short WAV
file anyway: ``winsound`` on Windows, ``afplay`` on macOS, and on Linux the
first of PipeWire's ``pw-play``, PulseAudio's ``paplay`` and ALSA's
``aplay`` that is installed.  Where none is, the system beep serves.
Playing never blocks and never raises: a missing sound is not worth an
error.

The three sounds in ``sounds/`` are synthesized by this module
(``python -m client_gui.sounds``), so their source is here, not a binary
of unknown origin.
"""

from __future__ import annotations

import logging
import math
import shutil
import struct
import sys
import wave
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Final

from PyQt6.QtCore import QProcess
from PyQt6.QtWidgets import QApplication

__all__ = ["SOUNDS", "SOUNDS_DIR", "SoundPlayer", "sound_path"]

log = logging.getLogger("besedka.client")

SOUNDS_DIR: Final = Path(__file__).resolve().parent / "sounds"
#: The sounds there are, by the name the settings keep.
SOUNDS: Final = ("chime", "ping", "knock")
#: Linux players of WAV files, in order of preference.
_LINUX_PLAYERS: Final = ("pw-play", "paplay", "aplay")
_RATE: Final = 22_050


def sound_path(name: str) -> Path:
    """The WAV file of sound ``name`` (the first sound for an unknown name)."""
    return SOUNDS_DIR / f"{name if name in SOUNDS else SOUNDS[0]}.wav"


def _default_command(path: Path) -> list[str] | None:
    """The command that plays ``path`` here, or None where none is known."""
    if sys.platform == "darwin":
        return ["afplay", str(path)]
    if sys.platform.startswith("linux") or "bsd" in sys.platform:
        for player in _LINUX_PLAYERS:
            found = shutil.which(player)
            if found is not None:
                return [found, "-q", str(path)] if player == "aplay" else [found, str(path)]
    return None


class SoundPlayer:
    """Plays one of :data:`SOUNDS`, in the background.

    Args:
        start: runs a command without waiting for it (by default
            ``QProcess.startDetached``).
        command_for: the command that plays a file here, or None (by
            default the system's player, see above).  Tests pass both.
    """

    def __init__(self, start: Callable[[Sequence[str]], object] | None = None,
                 command_for: Callable[[Path], list[str] | None] | None = None) -> None:
        self._start = start or (lambda command: QProcess.startDetached(command[0],
                                                                       list(command[1:])))
        self._command_for = command_for

    def play(self, name: str) -> None:
        """Play sound ``name`` and return at once."""
        path = sound_path(name)
        if self._command_for is not None:
            command = self._command_for(path)
            if command is not None:
                self._start(command)
                return
        elif sys.platform == "win32":
            try:
                import winsound

                winsound.PlaySound(str(path), winsound.SND_FILENAME | winsound.SND_ASYNC
                                   | winsound.SND_NODEFAULT)
                return
            except (ImportError, RuntimeError) as error:
                log.debug("cannot play %s: %s", path, error)
        else:
            command = _default_command(path)
            if command is not None:
                self._start(command)
                return
        QApplication.beep()


def _tone(frequencies: Sequence[tuple[float, float, float]], length: float) -> bytes:
    """16-bit mono samples: each (frequency, start, decay) a struck sine."""
    samples = []
    for number in range(int(_RATE * length)):
        t = number / _RATE
        value = 0.0
        for frequency, start, decay in frequencies:
            if t >= start:
                value += math.sin(2 * math.pi * frequency * (t - start)) * math.exp(
                    -(t - start) / decay)
        fade_in = min(1.0, t / 0.004)  # no click at the start
        samples.append(int(max(-1.0, min(1.0, value * 0.35 * fade_in)) * 32767))
    return struct.pack(f"<{len(samples)}h", *samples)


def _make_sounds() -> None:
    recipes = {
        "chime": ([(880.0, 0.0, 0.12), (1318.5, 0.11, 0.2)], 0.6),
        "ping": ([(1760.0, 0.0, 0.09)], 0.35),
        "knock": ([(196.0, 0.0, 0.03), (392.0, 0.0, 0.02), (196.0, 0.14, 0.03),
                   (392.0, 0.14, 0.02)], 0.35),
    }
    SOUNDS_DIR.mkdir(exist_ok=True)
    for name, (frequencies, length) in recipes.items():
        with wave.open(str(sound_path(name)), "wb") as out:
            out.setnchannels(1)
            out.setsampwidth(2)
            out.setframerate(_RATE)
            out.writeframes(_tone(frequencies, length))


if __name__ == "__main__":
    _make_sounds()
