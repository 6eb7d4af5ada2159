"""Thin Flask blueprints, one per document family: parse the request, call the core, wrap the answer."""
