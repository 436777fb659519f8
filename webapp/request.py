"""The app's request class: werkzeug's, reading a query string of any bytes a client sends.

Set on the app by create_app; the views read request.args as usual.
"""

from __future__ import annotations

from urllib.parse import parse_qsl

from flask import Request
from werkzeug.datastructures import MultiDict
from werkzeug.utils import cached_property


class LettersRequest(Request):
    @cached_property
    def args(self) -> MultiDict[str, str]:  # type: ignore[override]
        """The GET arguments; raw bytes that are not UTF-8 stay percent-encoded, as werkzeug keeps a
        percent-escape that is not UTF-8 (werkzeug 3.1 raises UnicodeDecodeError on the raw bytes)."""
        return self.parameter_storage_class(
            parse_qsl(self.query_string.decode("utf-8", "werkzeug.url_quote"), keep_blank_values=True,
                      errors="werkzeug.url_quote")
        )
