"""Queries. They return plain views and never commit: the calling service owns the transaction."""
