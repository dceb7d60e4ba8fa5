"""Pure rules of the regulation: no aiogram, no SQLAlchemy, no clock."""
