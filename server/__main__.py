"""Entry point of ``python -m server``."""

from .cli import main

main()
