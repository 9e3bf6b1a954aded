"""Frozen entry point of the server: what ``python -m server`` runs."""

from server.cli import main

if __name__ == "__main__":
    main()
