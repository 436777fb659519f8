"""The web front end: a Flask app that renders search results as pages, JSON, CSV and Atom.

`create_app()` builds it; `letters serve` runs it under waitress.
"""
