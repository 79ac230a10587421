"""Corpus analyses: narratives, trends, coordination, spread — each a function of (store, params)."""
