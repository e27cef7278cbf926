"""Business logic: plain functions the views and the CLI share."""
