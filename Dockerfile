# Production image: gunicorn serving the dashboard as a non-root user.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app
RUN useradd --system --uid 10001 --home-dir /app app

# Exactly the locked versions, checked against their hashes (requirements/base.txt).
COPY requirements/base.txt requirements/base.txt
RUN pip install --require-hashes -r requirements/base.txt
COPY . .
# collectstatic needs settings but no database or real secret: hashed, compressed files.
RUN DEBUG=0 SECRET_KEY=build-only-not-secret python manage.py collectstatic --no-input \
    && mkdir -p /app/var/imports /app/var/downloads && chown -R app:app /app/var

USER app
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --retries=3 \
  CMD python -c "import urllib.request,sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4).status != 200)"
CMD ["gunicorn", "obscc.wsgi:application", "-c", "gunicorn.conf.py"]
