"""The `letters serve` command: the web front end under waitress.

It binds 127.0.0.1 unless told otherwise and never runs Flask's debug server.
"""

from __future__ import annotations

import click

from corpus.cli import data_dir, data_dir_option


@click.command("serve")
@data_dir_option()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; 0.0.0.0 opens the site to the network.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--threads", default=4, show_default=True, type=click.IntRange(1, 64),
              help="Requests served at once.")
@click.pass_context
def serve_command(ctx: click.Context, host: str, port: int, threads: int) -> None:
    """Serve the search site over the index in --data-dir, with waitress.

    \b
    Example:
        letters serve --port 8000    # then open http://127.0.0.1:8000/
    """
    import socket

    import waitress

    from webapp import create_app

    try:
        listener = socket.create_server((host, port))
    except OSError as error:
        raise click.ClickException(f"cannot listen on {host}:{port}: {error.strerror}") from error
    click.echo(f"Serving the letters in {data_dir(ctx)} at http://{host}:{port}/ (Ctrl-C stops)")
    waitress.serve(create_app(data_dir(ctx)), sockets=[listener], threads=threads, ident="letters",
                   _quiet=True)



COMMANDS = (serve_command,)
