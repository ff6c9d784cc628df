"""Reproducible generators of synthetic documents: claim pages with their fields, forgeries and degradations."""
