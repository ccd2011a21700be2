"""Send the public, read-only pages' reads to a PostgreSQL replica when one is configured.

Writes, the admin, and anything outside a public GET request use the primary. The choice is
made per request by ``ReplicaMiddleware`` and kept in a context variable.
"""

import contextvars

from django.conf import settings

REPLICA = "replica"
_use_replica: contextvars.ContextVar[bool] = contextvars.ContextVar("use_replica", default=False)


class PrimaryReplicaRouter:
    def db_for_read(self, model, **hints):
        if settings.REPLICA_READS and _use_replica.get():
            return REPLICA
        return "default"

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "default" or settings.REPLICA_MIGRATE


class ReplicaMiddleware:
    """Public GET and HEAD requests read from the replica; the admin and writes never do."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        public_read = request.method in ("GET", "HEAD") and not request.path.startswith("/admin")
        token = _use_replica.set(public_read)
        try:
            return self.get_response(request)
        finally:
            _use_replica.reset(token)
