"""Template filters and tags of the public pages: a figure, a correction, a source."""
