#!/usr/bin/python3
"""A real X11 drag source for the drag-and-drop test: a small GTK window that offers the files
given on the command line as `text/uri-list`, the way a file manager does.

Usage: dragsource.py X Y FILE...   (the window's top-left corner on the screen)

It prints one line per event on stdout so the test can synchronise on them:
  ready <x> <y>   the window is mapped; (x, y) is the centre of the drag handle on the screen
  begin           a drag started (the pointer moved far enough with the button held)
  sent            the drop target asked for the data and got the URIs
  end             the drag finished
Run with Debian's /usr/bin/python3 (python3-gi, gir1.2-gtk-3.0).
"""
import sys
from pathlib import Path

import gi

gi.require_version("Gtk", "3.0")
gi.require_version("Gdk", "3.0")
from gi.repository import Gdk, GLib, Gtk  # noqa: E402

SIZE = 120


def say(line):
    print(line, flush=True)


def main():
    x, y = int(sys.argv[1]), int(sys.argv[2])
    uris = [Path(p).resolve().as_uri() for p in sys.argv[3:]]
    if not uris:
        sys.exit("dragsource.py X Y FILE...")

    window = Gtk.Window(title="drag source")
    window.set_decorated(False)
    window.set_default_size(SIZE, SIZE)
    window.move(x, y)
    handle = Gtk.EventBox()
    handle.add(Gtk.Label(label=f"{len(uris)} file(s)"))
    window.add(handle)

    handle.drag_source_set(
        Gdk.ModifierType.BUTTON1_MASK,
        [Gtk.TargetEntry.new("text/uri-list", 0, 0)],
        Gdk.DragAction.COPY,
    )

    def on_get(_widget, _context, data, _info, _time):
        data.set_uris(uris)
        say("sent")

    handle.connect("drag-begin", lambda *_: say("begin"))
    handle.connect("drag-data-get", on_get)
    handle.connect("drag-end", lambda *_: (say("end"), GLib.idle_add(Gtk.main_quit)))

    def on_map(*_):
        # Without a window manager the window sits exactly where it asked to be.
        ox, oy = window.get_window().get_origin()[1:]
        say(f"ready {ox + SIZE // 2} {oy + SIZE // 2}")

    window.connect("map-event", on_map)
    window.connect("destroy", Gtk.main_quit)
    window.show_all()
    Gtk.main()


if __name__ == "__main__":
    main()
