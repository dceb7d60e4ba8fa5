"""Capabilities: each service owns its transaction and calls the pure rules."""
