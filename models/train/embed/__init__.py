"""embed — the product-text encoder behind embed() (see models/embed.md)."""
