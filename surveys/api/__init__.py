"""The read-only JSON API: serializers, filters, views and URLs."""
