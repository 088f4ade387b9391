"""The probe a desktop uses to decide that an application is not responding.

SPDX-License-Identifier: GPL-3.0-or-later

GNOME Shell (mutter) and other window managers send a window the _NET_WM_PING client
message and wait for the application to send it back to the root window; an application
whose main loop is busy answers late, and after a few seconds of silence the desktop
offers to force it to quit. This probe does the same from outside the application, every
20 ms, and keeps each round trip: what a person's clicks and keys would have waited for.

    with PingProbe(display_name, pid) as probe:
        ...                     # the work under test
    figures = probe.figures()   # p50, p99 and max round trips in ms, pings over 100 ms

python3-xlib (Debian's python3-xlib) speaks the X protocol.
"""

import select
import statistics
import threading
import time

try:
    from Xlib import X, display as xdisplay, error as xerror, protocol
except ImportError:   # said when a probe is made, so that other benchmarks still run
    X = None

INTERVAL = 0.020
SLOW_MS = 100


def _require_xlib():
    if X is None:
        raise SystemExit("python3-xlib is missing (build-aux/deps.sh installs it)")


def find_window(display_name, pid, timeout=60):
    """The top-level window of process `pid` that answers pings, once it is mapped."""
    _require_xlib()
    d = xdisplay.Display(display_name)
    try:
        pid_atom = d.intern_atom("_NET_WM_PID")
        protocols = d.intern_atom("WM_PROTOCOLS")
        ping = d.intern_atom("_NET_WM_PING")
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for window in d.screen().root.query_tree().children:
                try:
                    owner = window.get_full_property(pid_atom, X.AnyPropertyType)
                    wanted = window.get_full_property(protocols, X.AnyPropertyType)
                    mapped = window.get_attributes().map_state == X.IsViewable
                except xerror.XError:
                    continue   # gone meanwhile
                if owner and owner.value[0] == pid and wanted and ping in wanted.value and mapped:
                    return window.id
            time.sleep(0.1)
        raise RuntimeError(f"no window of process {pid} that answers _NET_WM_PING")
    finally:
        d.close()


class PingProbe:
    """Pings one window every 20 ms from a thread of its own, while in a `with` block."""

    def __init__(self, display_name, window_id):
        _require_xlib()
        self.display = xdisplay.Display(display_name)
        self.window = self.display.create_resource_object("window", window_id)
        self.root = self.display.screen().root
        self.protocols = self.display.intern_atom("WM_PROTOCOLS")
        self.ping = self.display.intern_atom("_NET_WM_PING")
        # The answer is sent to the root window for its substructure's listeners.
        self.root.change_attributes(event_mask=X.SubstructureNotifyMask)
        self.sent = {}
        self.round_trips = []
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self):
        self.started = time.monotonic()
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        self.thread.join()
        # A ping still unanswered counts for as long as it has waited.
        now = time.monotonic()
        self.round_trips.extend((t, (now - t) * 1000) for t in self.sent.values())
        self.display.close()
        return False

    def _send(self, serial):
        event = protocol.event.ClientMessage(window=self.window, client_type=self.protocols,
                                             data=(32, [self.ping, serial, self.window.id, 0, 0]))
        self.window.send_event(event, event_mask=X.NoEventMask)
        self.display.flush()
        self.sent[serial] = time.monotonic()

    def _receive(self):
        while self.display.pending_events():
            event = self.display.next_event()
            if event.type != X.ClientMessage or event.client_type != self.protocols:
                continue
            values = event.data[1]
            if values[0] == self.ping and values[1] in self.sent:
                sent = self.sent.pop(values[1])
                self.round_trips.append((sent, (time.monotonic() - sent) * 1000))

    def _run(self):
        serial = 1
        next_ping = time.monotonic()
        fd = self.display.fileno()
        while not self.stop.is_set():
            now = time.monotonic()
            if now >= next_ping:
                self._send(serial)
                serial += 1
                next_ping += INTERVAL
                if next_ping < now:   # the probe itself fell behind: no burst
                    next_ping = now + INTERVAL
            select.select([fd], [], [], max(0.0, next_ping - time.monotonic()))
            self._receive()

    def figures(self, until=None):
        """The round trips of the pings sent before `until` (time.monotonic()), or all."""
        trips = sorted(rtt for sent, rtt in self.round_trips if until is None or sent < until)
        if not trips:
            return {"ping_p50": float("nan"), "ping_p99": float("nan"), "ping_max": float("nan"),
                    "pings_over_50": 0, "pings_slow": 0, "pings": 0}
        p99 = trips[min(len(trips) - 1, int(0.99 * len(trips)))]
        return {"ping_p50": statistics.median(trips), "ping_p99": p99, "ping_max": trips[-1],
                "pings_over_50": sum(1 for t in trips if t > 50),
                "pings_slow": sum(1 for t in trips if t > SLOW_MS), "pings": len(trips)}
