# Production image: gunicorn serving the dashboard as a non-root user.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app
RUN useradd --system --uid 10001 --home-dir /app app

COPY pyproject.toml ./
RUN pip install .
COPY . .
# collectstatic needs settings but no database or real secret.
RUN DEBUG=0 SECRET_KEY=build-only-not-secret python manage.py collectstatic --no-input \
    && chown -R app:app /app/var

USER app
EXPOSE 8000
# 2 workers per core is gunicorn's usual starting point; the page work is short SQL reads.
CMD ["gunicorn", "obscc.wsgi:application", "--bind", "0.0.0.0:8000", \
     "--workers", "3", "--timeout", "30", "--access-logfile", "-"]
