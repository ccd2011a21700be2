"""Read-only JSON API under /api/v1/: the same records and statistics as the pages.

Django REST framework with drf-spectacular for the OpenAPI schema. Every object is addressed
by a stable identifier (slug, year or code) and every figure carries its source. Records:
serializers, filters, views; statistics: statistics; the schema's error responses: schema.
"""
