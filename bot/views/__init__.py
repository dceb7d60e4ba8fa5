"""Cards and keyboards: what a person sees, built from views and a translator."""
