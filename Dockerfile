# oneonone: a small image that migrates the database, then runs the bot.
#   docker build -t oneonone .
#   docker run -e SLACK_BOT_TOKEN=… -e SLACK_SIGNING_SECRET=… -p 3000:3000 -v oneonone:/data oneonone

FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml README.md manifest.yml constraints.txt ./
COPY bot ./bot
COPY migrations ./migrations
# hadolint ignore=DL3013
RUN pip wheel --no-cache-dir --no-deps --wheel-dir /wheels .

FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PORT=3000 \
    DATABASE_URL=sqlite:////data/oneonone.db
RUN useradd --create-home --uid 10001 oneonone \
    && mkdir /data \
    && chown oneonone:oneonone /data
COPY --from=build /wheels /wheels
COPY --from=build /src/constraints.txt /tmp/constraints.txt
# The versions CI tested (constraints.txt), not whatever is newest on the day of the build.
RUN pip install --no-cache-dir -c /tmp/constraints.txt /wheels/*.whl \
    && rm -rf /wheels /tmp/constraints.txt
USER 10001
WORKDIR /home/oneonone
VOLUME ["/data"]
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('PORT', '3000'), timeout=4)"]
CMD ["sh", "-c", "oneonone migrate && exec oneonone run"]
