"""Services that write: corrections, imports, previews, reference loading."""
