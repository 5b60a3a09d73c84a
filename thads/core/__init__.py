"""Shared plain code (no models): money formatting, dates and working days, domain errors."""
