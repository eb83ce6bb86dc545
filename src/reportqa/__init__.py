"""reportqa."""
