FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
COPY pyproject.toml README.md ./
COPY thads ./thads
COPY cases ./cases
COPY banks ./banks
COPY dialogues ./dialogues
COPY reports ./reports
RUN pip install --no-cache-dir .
COPY . .
RUN mkdir -p var && useradd --system --home /app thads && chown -R thads /app
USER thads
EXPOSE 8000
