"""One module per command: help, arguments, one call into the app, output via self.stdout."""
