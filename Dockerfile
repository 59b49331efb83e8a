# Dasbor Inovasi Daerah for a government data centre: see docs/deploy.md.
#   docker compose up -d          (two replicas, HAProxy, the static data package; compose.yaml)
# Stages: "balancer" and "files" are Debian's own HAProxy and nginx packages (as CI installs them);
# the last stage, the default, is the dashboard and its loader on Debian's python:3.11-slim.

FROM debian:bookworm-slim AS balancer
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends haproxy \
 && rm -rf /var/lib/apt/lists/*
USER haproxy
# deploy/haproxy.cfg is mounted at /etc/haproxy/haproxy.cfg by compose.yaml
CMD ["haproxy", "-W", "-db", "-f", "/etc/haproxy/haproxy.cfg"]

FROM debian:bookworm-slim AS files
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends nginx \
 && rm -rf /var/lib/apt/lists/* \
 && rm -f /etc/nginx/sites-enabled/default
COPY deploy/nginx-publik.conf /etc/nginx/nginx.conf
USER www-data
CMD ["nginx", "-g", "daemon off;"]

FROM python:3.11-slim-bookworm AS dasbor
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    INOVASI_DATA_DIR=/data \
    HOME=/home/dasbor
RUN groupadd --system --gid 10001 dasbor \
 && useradd --system --uid 10001 --gid dasbor --create-home --home-dir /home/dasbor --shell /usr/sbin/nologin dasbor
WORKDIR /app
COPY requirements.txt ./
RUN python -m pip install -r requirements.txt
# The code belongs to root and is read-only for the service; only /data (the volume) is written.
COPY dashboard.py pyproject.toml ./
COPY .streamlit ./.streamlit
COPY dasbor ./dasbor
COPY etl ./etl
COPY pages ./pages
COPY benchmarks ./benchmarks
RUN python -m compileall -q dasbor etl pages benchmarks \
 && mkdir -p /data && chown dasbor:dasbor /data
USER dasbor
VOLUME ["/data"]
EXPOSE 8501
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8501/_stcore/health', timeout=2)"]
# Production settings (docs/deploy.md): no file watcher, no full garbage collection after every run.
CMD ["python", "-m", "streamlit", "run", "dashboard.py", \
     "--server.port", "8501", "--server.address", "0.0.0.0", "--server.headless", "true", \
     "--server.fileWatcherType", "none", "--runner.postScriptGC", "false", "--browser.gatherUsageStats", "false"]
