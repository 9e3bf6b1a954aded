"""Besedka benchmark harness: see bench/README.md."""
