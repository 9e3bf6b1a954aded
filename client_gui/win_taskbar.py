"""Windows only: an overlay icon on the taskbar button (the unread count).

``ITaskbarList3::SetOverlayIcon`` is a COM method; this calls it through
ctypes, by its place in the interface's table of methods, so that no COM
library is needed.  Qt has initialised COM in the GUI thread already, and
converts the picture to an icon handle (``QImage.toHICON``, Windows only).
Used by :class:`client_gui.taskbar.TaskbarBadge`, which catches failures.
"""

from __future__ import annotations

import ctypes
import sys
from typing import Any, Final

from PyQt6.QtGui import QPixmap

__all__ = ["set_overlay_icon"]

assert sys.platform == "win32", "the taskbar's COM interface exists on Windows only"

_CLSID_TASKBAR_LIST: Final = "{56FDF344-FD6D-11d0-958A-006097C9A090}"
_IID_ITASKBAR_LIST3: Final = "{EA1AFB91-9E28-4B86-90E9-9E9F8A5EEFAF}"
_CLSCTX_INPROC_SERVER: Final = 1
# Places in ITaskbarList3's method table: IUnknown's three, then
# ITaskbarList (HrInit first), ITaskbarList2, ITaskbarList3.
_HR_INIT: Final = 3
_SET_OVERLAY_ICON: Final = 18


class _Guid(ctypes.Structure):
    _fields_ = [("data1", ctypes.c_uint32), ("data2", ctypes.c_uint16),
                ("data3", ctypes.c_uint16), ("data4", ctypes.c_ubyte * 8)]


def _guid(text: str) -> _Guid:
    guid = _Guid()
    _check(ctypes.windll.ole32.CLSIDFromString(ctypes.c_wchar_p(text), ctypes.byref(guid)))
    return guid


def _check(result: int) -> None:
    if result < 0:
        raise OSError(f"COM call failed: HRESULT 0x{result & 0xFFFFFFFF:08X}")


def _method(interface: ctypes.c_void_p, index: int, *argtypes: Any) -> Any:
    """Method number ``index`` of a COM interface pointer, callable."""
    table = ctypes.cast(interface, ctypes.POINTER(ctypes.POINTER(ctypes.c_void_p))).contents
    prototype = ctypes.WINFUNCTYPE(ctypes.c_long, ctypes.c_void_p, *argtypes)
    return prototype(table[index])


_taskbar: ctypes.c_void_p | None = None


def _taskbar_list() -> ctypes.c_void_p:
    global _taskbar
    if _taskbar is None:
        pointer = ctypes.c_void_p()
        _check(ctypes.windll.ole32.CoCreateInstance(
            ctypes.byref(_guid(_CLSID_TASKBAR_LIST)), None, _CLSCTX_INPROC_SERVER,
            ctypes.byref(_guid(_IID_ITASKBAR_LIST3)), ctypes.byref(pointer)))
        _check(_method(pointer, _HR_INIT)(pointer))
        _taskbar = pointer
    return _taskbar


def set_overlay_icon(window_handle: int, picture: QPixmap | None, description: str) -> None:
    """Put ``picture`` over the taskbar button of the window, or take it away (None).

    Raises:
        OSError: the taskbar refused (for instance, Explorer is not running).
    """
    taskbar = _taskbar_list()
    # toHICON exists in Qt's Windows build only, hence getattr.
    icon = int(getattr(picture.toImage(), "toHICON")()) if picture is not None else 0
    try:
        set_overlay = _method(taskbar, _SET_OVERLAY_ICON, ctypes.c_void_p, ctypes.c_void_p,
                              ctypes.c_wchar_p)
        _check(set_overlay(taskbar, ctypes.c_void_p(window_handle), ctypes.c_void_p(icon),
                           description))
    finally:
        if icon:
            # The taskbar keeps a copy of its own.
            ctypes.windll.user32.DestroyIcon(ctypes.c_void_p(icon))
