"""The `letters serve` command: the web front end in several processes under gunicorn (waitress elsewhere).

It binds 127.0.0.1 unless told otherwise and never runs Flask's debug server.
"""

from __future__ import annotations

import gc
import os
import socket
from collections.abc import Callable
from typing import Any

import click

from corpus.cli import data_dir, data_dir_option

# A search holds its process's interpreter lock from start to end: a second thread of the process only
# waits behind it, switching back and forth (measured: about a tenth more CPU per request, and fewer
# requests a second).
DEFAULT_THREADS = 1


def default_workers() -> int:
    """One serving process per core: a search holds one core for its whole length (Python's lock)."""
    return os.cpu_count() or 1


def serve(app: Any, host: str, port: int, workers: int, threads: int, listening: Callable[[], None]) -> None:
    """Serve `app` until stopped: gunicorn's pre-fork workers where gunicorn runs (POSIX), else waitress
    in this one process. Each worker opens the index on its first request and follows reindexes.
    `listening` is called once the port takes connections."""
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        probe.bind((host, port))  # a clear error now, rather than gunicorn's retries

    def ready() -> None:
        # What exists by now (modules, the app, the server's own) lives as long as the server: left out of
        # garbage collection, a full collection no longer walks it nor writes to the pages that forked workers
        # share (measured in a worker with the index open: 9-24 ms a collection, landing on one request; 1-3 ms
        # with this frozen).
        gc.collect()
        gc.freeze()
        listening()

    try:
        from gunicorn.app.base import BaseApplication
    except ImportError:  # Windows: gunicorn needs fork
        import waitress

        if workers > 1:
            click.echo("gunicorn does not run here: serving from one process with waitress", err=True)
        listener = socket.create_server((host, port))
        ready()
        waitress.serve(app, sockets=[listener], threads=threads, ident="letters", _quiet=True)
        return

    class Server(BaseApplication):
        def load_config(self) -> None:
            settings = {
                "bind": f"[{host}]:{port}" if ":" in host else f"{host}:{port}",
                "workers": workers,
                "threads": threads,
                # One thread: gunicorn's sync workers take a connection only when free, so every request
                # goes to a free process. A threaded worker also takes connections while busy and keeps
                # them, queueing their requests behind its search while another process may be idle
                # (measured, 8 clients: p95 130-160 ms against 60 ms). More threads: a poller holds the
                # connections, for clients on slow networks.
                "worker_class": "sync" if threads == 1 else "gthread",
                # The app is imported once and forked: workers start at once and share its pages.
                "preload_app": True,
                "loglevel": "warning",
                "accesslog": None,
                # A search of every letter with 100 snippets can take seconds on a busy machine.
                "timeout": 120,
                "graceful_timeout": 10,
                "proc_name": "letters-serve",
                "when_ready": lambda arbiter: ready(),  # before the workers are forked
            }
            for name, value in settings.items():
                self.cfg.set(name, value)

        def load(self) -> Any:
            return app

    Server().run()


@click.command("serve")
@data_dir_option()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; 0.0.0.0 opens the site to the network.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--workers", default=None, type=click.IntRange(1, 64),
              help="Serving processes [the number of cores].")
@click.option("--threads", default=DEFAULT_THREADS, show_default=True, type=click.IntRange(1, 64),
              help="Requests each process serves at once.")
@click.pass_context
def serve_command(ctx: click.Context, host: str, port: int, workers: int | None, threads: int) -> None:
    """Serve the search site over the index in --data-dir.

    \b
    Example:
        letters serve --port 8000    # then open http://127.0.0.1:8000/
    """
    from webapp import create_app

    workers = workers or default_workers()
    try:
        app = create_app(data_dir(ctx))

        def listening() -> None:
            click.echo(f"Serving the letters in {data_dir(ctx)} at http://{host}:{port}/ "
                       f"({workers} process{'es' if workers > 1 else ''} × {threads} "
                       f"thread{'s' if threads > 1 else ''}; Ctrl-C stops)")

        serve(app, host, port, workers, threads, listening)
    except OSError as error:
        raise click.ClickException(f"cannot listen on {host}:{port}: {error.strerror}") from error


COMMANDS = (serve_command,)
