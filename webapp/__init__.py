"""The web front end: a Flask app that renders search results as pages, JSON, CSV and Atom.

`create_app()` builds it; `letters serve` runs it under gunicorn (waitress where gunicorn does not run).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask

from corpus.store import default_data_dir


def create_app(data_dir: Path | str | None = None, test_config: dict[str, Any] | None = None) -> Flask:
    """The app over the index in `data_dir` (default: $LETTERS_DATA_DIR or the user's data folder)."""
    from webapp import api, directory, errors, formatting, search, security
    from webapp.request import LettersRequest

    app = Flask(__name__)
    app.request_class = LettersRequest
    app.config.update(
        DATA_DIR=Path(data_dir) if data_dir is not None else default_data_dir(),
        SEND_FILE_MAX_AGE_DEFAULT=3600,
    )
    app.json.sort_keys = False
    app.json.ensure_ascii = False
    if test_config:
        app.config.update(test_config)
    security.init_app(app)
    formatting.init_app(app)
    errors.init_app(app)
    app.register_blueprint(search.blueprint)
    app.register_blueprint(api.blueprint)
    app.register_blueprint(directory.blueprint)
    return app
