"""Full-text search over transcripts with Whoosh; knows nothing of Flask or the database."""
