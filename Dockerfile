# The image the `groundmill-docker` work pool runs flows in: Debian bookworm with Chromium and the
# locked Python environment, built offline. `bash scripts/docker-image` makes the base image with
# debootstrap (no registry needed), downloads the wheels on the host, and builds this file with
# `--network none`, tagged by content (never `latest`, which a docker worker would try to pull).
ARG BASE=groundmill-base:bookworm
FROM ${BASE}

ENV LANG=C.UTF-8 \
    PYTHONUNBUFFERED=1 \
    PATH=/opt/venv/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    PYTHONPATH=/app \
    GROUNDMILL_ROOT=/app \
    GROUNDMILL_PROGRESS=off \
    PREFECT_HOME=/tmp/prefect

COPY build/wheels /tmp/wheels
COPY docker/requirements.lock /tmp/requirements.lock
RUN python3 -m venv /opt/venv \
 && /opt/venv/bin/pip install --quiet --no-index --find-links /tmp/wheels -r /tmp/requirements.lock \
 && rm -rf /tmp/wheels /root/.cache

WORKDIR /app
COPY pyproject.toml params.yaml sources.yaml prefect.yaml ./
COPY flows flows
COPY transforms transforms
COPY schemas schemas
