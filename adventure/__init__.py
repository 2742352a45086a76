"""Terok Nor: an interactive-fiction engine for YAML stories."""

__version__ = "0.1.0"


def engine_build() -> str:
    """How the installed engine was built: 'compiled by mypyc' (`pip install .` with a C
    compiler) or 'plain Python' (an editable install, or no compiler). Imports it."""
    from .engine import session

    return "plain Python" if session.__file__.endswith(".py") else "compiled by mypyc"
