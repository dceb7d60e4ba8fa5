"""Telegram bot of a working group on client-centricity."""
