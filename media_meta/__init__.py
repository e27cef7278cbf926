"""Transcripts, timestamps, clips and media sources: a plain library the portal composes (no Flask here)."""
