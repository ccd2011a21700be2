"""Management commands: thin wrappers around the app's services."""
