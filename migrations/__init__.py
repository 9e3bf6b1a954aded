"""Alembic migration scripts for Besedka's database.

A package so that :mod:`db.schema` (and PyInstaller) can find the scripts
through the import system.  For a developer:
``alembic -c migrations/alembic.ini revision --autogenerate -m "..."``.
"""
