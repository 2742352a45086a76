"""Terok Nor: an interactive-fiction engine for YAML stories."""

__version__ = "0.1.0"
