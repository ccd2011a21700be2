"""The survey dashboard's one app. Its parts, top to bottom (the layers in pyproject.toml):
admin/, api/ and management/ over web/ (the public pages), over opendata/ and editorial/ (the
services that write), over stats/ (every figure), over models/, over values, limits and exports.
"""
