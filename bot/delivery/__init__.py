"""The delivery engine: outbox rows in, Telegram messages out, every outcome recorded."""
