"""Typed values: raw cell texts -> the canonical types, a whole column at a time."""
