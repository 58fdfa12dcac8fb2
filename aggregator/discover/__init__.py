"""Discover: what a source offers — entries of a real feed, or article links on a list page."""
