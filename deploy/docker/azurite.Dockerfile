# Azurite, the Azure Storage emulator, at the version the tests pin (tools/azurite), for docker compose. Build from
# the repository root:
#   docker build -f deploy/docker/azurite.Dockerfile -t relay-azurite .
FROM node:22-bookworm-slim AS build
WORKDIR /azurite
COPY tools/azurite/package.json tools/azurite/package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund

FROM node:22-bookworm-slim AS runtime
WORKDIR /azurite
COPY --from=build /azurite .
RUN mkdir /data && chown node:node /data
USER node
EXPOSE 10000 10001 10002
VOLUME /data
ENTRYPOINT ["node", "node_modules/azurite/dist/src/azurite.js", "--skipApiVersionCheck", "--location", "/data", \
    "--blobHost", "0.0.0.0", "--queueHost", "0.0.0.0", "--tableHost", "0.0.0.0"]
