"""Bodies as master data: identity, names and aliases, levels, and the registry."""
