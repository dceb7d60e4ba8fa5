"""Texts in Russian and English, one TOML file per language."""
