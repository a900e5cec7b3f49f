"""Builders for test fixtures that are made on the machine instead of downloaded (e.g. a tiny phi3v model)."""
