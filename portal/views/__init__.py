"""One blueprint per area; views parse the request, call services, render."""
