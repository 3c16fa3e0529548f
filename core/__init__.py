"""Generic helpers every app may use: set-based SQL, admin base classes, the audited save, dates.

The bottom layer: it imports Django and nothing of this project (import-linter enforces it)."""
