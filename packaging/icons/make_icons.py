"""Render Besedka's app icon from its SVG into the PNG sizes and the Windows .ico.

Usage::

    python packaging/icons/make_icons.py           # rewrite the files here
    python packaging/icons/make_icons.py --check   # exit 1 if they are stale

The source is ``besedka.svg`` beside this script, the same drawing as the
client's window icon ``client_gui/icons/besedka.svg`` (a test keeps the two
identical).  Qt renders it (QSvgRenderer into a QImage), so nothing beyond
PyQt6 is needed and the output depends only on the SVG and the Qt version.
The .ico holds PNG-compressed images, which every Windows since Vista reads.
"""

from __future__ import annotations

import argparse
import io
import os
import struct
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SOURCE = HERE / "besedka.svg"
#: Sizes of the PNG files (besedka-N.png): the freedesktop hicolor sizes.
PNG_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
#: Sizes inside besedka.ico: what Explorer, the taskbar and shortcuts ask for.
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)


def render_png(svg: bytes, size: int) -> bytes:
    """The SVG drawn on a transparent size x size square, as PNG bytes."""
    from PyQt6.QtCore import QBuffer, QByteArray, QIODevice, QRectF
    from PyQt6.QtGui import QImage, QPainter
    from PyQt6.QtSvg import QSvgRenderer

    renderer = QSvgRenderer(QByteArray(svg))
    if not renderer.isValid():
        raise ValueError("the SVG could not be parsed")
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(0)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    renderer.render(painter, QRectF(0, 0, size, size))
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.convertToFormat(QImage.Format.Format_ARGB32).save(buffer, "PNG")
    buffer.close()
    return bytes(data.data())


def build_ico(pngs: dict[int, bytes]) -> bytes:
    """An ICO file holding the given PNG images (ICONDIR, entries, data)."""
    sizes = sorted(pngs)
    header = struct.pack("<HHH", 0, 1, len(sizes))
    offset = len(header) + 16 * len(sizes)
    entries = io.BytesIO()
    images = io.BytesIO()
    for size in sizes:
        data = pngs[size]
        # Width and height 0 mean 256; colour count 0, planes 1, 32 bpp.
        entries.write(struct.pack("<BBBBHHII", size % 256, size % 256, 0, 0, 1, 32,
                                  len(data), offset + images.tell()))
        images.write(data)
    return header + entries.getvalue() + images.getvalue()


def ico_sizes(ico: bytes) -> list[int]:
    """The image sizes listed in an ICO file's directory (for tests)."""
    reserved, kind, count = struct.unpack_from("<HHH", ico, 0)
    if reserved != 0 or kind != 1:
        raise ValueError("not an ICO file")
    sizes = []
    for index in range(count):
        width = ico[6 + 16 * index]
        sizes.append(width or 256)
    return sizes


def outputs() -> dict[Path, bytes]:
    """Every generated file and its content."""
    svg = SOURCE.read_bytes()
    pngs = {size: render_png(svg, size) for size in sorted(set(PNG_SIZES) | set(ICO_SIZES))}
    files = {HERE / f"besedka-{size}.png": pngs[size] for size in PNG_SIZES}
    files[HERE / "besedka.ico"] = build_ico({size: pngs[size] for size in ICO_SIZES})
    return files


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true",
                        help="only report whether the files match the SVG")
    args = parser.parse_args()
    # Rendering needs a QGuiApplication-free QPainter only, but fonts and
    # image plugins want a platform; offscreen works without a display.
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PyQt6.QtGui import QGuiApplication

    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])  # noqa: F841
    stale = []
    for path, data in outputs().items():
        if not path.exists() or path.read_bytes() != data:
            stale.append(path)
            if not args.check:
                path.write_bytes(data)
    if args.check:
        for path in stale:
            print(f"stale: {path.name} (run python packaging/icons/make_icons.py)")
        return 1 if stale else 0
    print(f"wrote {len(stale)} file(s) in {HERE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
