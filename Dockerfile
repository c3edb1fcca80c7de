# Production image: web (gunicorn), worker and beat run from it (docker-compose.yml).
FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 DJANGO_SETTINGS_MODULE=envoice.settings.production
RUN apt-get update \
 && apt-get install -y --no-install-recommends tesseract-ocr tesseract-ocr-eng tesseract-ocr-est poppler-utils libpq5 \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY requirements.txt requirements-models.txt ./
RUN pip install --no-cache-dir -r requirements.txt \
 && pip install --no-cache-dir --no-deps -r requirements-models.txt
COPY . .
RUN DJANGO_SECRET_KEY=build-only python manage.py collectstatic --noinput \
 && useradd --create-home envoice && mkdir -p /app/var && chown -R envoice /app/var
USER envoice
EXPOSE 8000
CMD ["gunicorn", "envoice.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--timeout", "60"]
