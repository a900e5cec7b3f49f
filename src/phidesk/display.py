"""Whether a window can be shown here, found out without Qt.

Qt aborts the whole process (exit 134, "Reinstalling the application may fix this problem") when its
platform plugin cannot open the display, so ``phidesk`` asks first: on Linux and the BSDs, a Wayland
compositor's socket that accepts a connection, or an X server that ``xcb_connect`` (libxcb, through
ctypes: the library Qt's xcb plugin uses itself) reaches. Windows and macOS always have their display;
a ``QT_QPA_PLATFORM`` such as ``offscreen`` (the tests) or ``vnc`` needs none.
"""

from __future__ import annotations

import ctypes
import os
import socket
import sys
import threading
from pathlib import Path

X_TIMEOUT_S = 10.0  # an X server on another host may not answer at all: how long to wait for it
_XCB_ERRORS = {  # xcb_connection_has_error's codes (xcb.h)
    1: "no X server answers there, or it refused the connection",
    2: "the X server lacks an extension PhiDesk needs",
    3: "out of memory",
    5: "that is not a display name",
    6: "the X server has no such screen",
}


def problem() -> str | None:
    """None when Qt should be able to show a window; else one line saying why not, naming the variable."""
    if sys.platform in ("win32", "darwin"):
        return None
    platforms = [p.split(":", 1)[0].strip() for p in os.environ.get("QT_QPA_PLATFORM", "").split(";")]
    platforms = [p for p in platforms if p]
    if platforms and not any(p == "xcb" or p.startswith("wayland") for p in platforms):
        return None  # offscreen, minimal, eglfs, vnc…: no display server to reach
    wayland = os.environ.get("WAYLAND_DISPLAY", "")
    x11 = os.environ.get("DISPLAY", "")
    tries_wayland = not platforms or any(p.startswith("wayland") for p in platforms)
    tries_x11 = not platforms or "xcb" in platforms
    reasons = []
    if tries_wayland and wayland:
        if (why := wayland_problem(wayland)) is None:
            return None
        reasons.append(f"WAYLAND_DISPLAY={wayland!r}: {why}")
    if tries_x11 and x11:
        if (why := x11_problem(x11)) is None:
            return None
        reasons.append(f"DISPLAY={x11!r}: {why}")
    if not reasons:
        if tries_wayland and tries_x11:
            return "no display: neither WAYLAND_DISPLAY nor DISPLAY is set"
        return f"no display: {'WAYLAND_DISPLAY' if tries_wayland else 'DISPLAY'} is not set"
    return "no display could be opened (" + "; ".join(reasons) + ")"


def wayland_problem(name: str) -> str | None:
    """None when the compositor's socket *name* (absolute, or in XDG_RUNTIME_DIR) accepts a connection."""
    runtime_dir = os.environ.get("XDG_RUNTIME_DIR", "")
    path = Path(name)
    if not path.is_absolute():
        if not runtime_dir:
            return "XDG_RUNTIME_DIR is not set, so the compositor's socket cannot be found"
        path = Path(runtime_dir) / name
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.settimeout(2)
        try:
            sock.connect(str(path))
        except OSError as exc:
            return f"no Wayland compositor at {path} ({exc.strerror or exc})"
    return None


def x11_problem(name: str) -> str | None:
    """None when an X server accepts a connection at display *name* (with this user's authorisation)."""
    try:
        xcb = ctypes.CDLL("libxcb.so.1")
    except OSError:
        return "libxcb.so.1 is not installed (Qt needs it to reach an X server)"
    xcb.xcb_connect.restype = ctypes.c_void_p
    xcb.xcb_connect.argtypes = [ctypes.c_char_p, ctypes.c_void_p]
    xcb.xcb_connection_has_error.restype = ctypes.c_int
    xcb.xcb_connection_has_error.argtypes = [ctypes.c_void_p]
    xcb.xcb_disconnect.restype = None
    xcb.xcb_disconnect.argtypes = [ctypes.c_void_p]
    result: list[int] = []

    def connect() -> None:  # ctypes lets go of the interpreter's lock while xcb waits
        connection = xcb.xcb_connect(os.fsencode(name), None)
        result.append(int(xcb.xcb_connection_has_error(connection)))
        xcb.xcb_disconnect(connection)  # also right for the error connection xcb hands back

    thread = threading.Thread(target=connect, name="x11-check", daemon=True)
    thread.start()
    thread.join(X_TIMEOUT_S)
    if not result:
        return f"the X server did not answer in {X_TIMEOUT_S:.0f} s"
    if result[0]:
        return _XCB_ERRORS.get(result[0], f"xcb error {result[0]}")
    return None
