"""Shared building blocks: errors, result and evidence types, safe page loading."""
