# launch-local in a container: the API on port 5001, state in /data, workers as Python processes
# beside it (the process runtime). Build it with scripts/docker/build-image.sh, which installs the
# package from `npm pack` into app/ of the build context and makes the base image offline (README
# "Docker image"). BASE_IMAGE: any glibc image with `node` (>= 20) on PATH and python3 with pip and
# cloudpickle.
ARG BASE_IMAGE=launch-local/runtime-base:bookworm
FROM ${BASE_IMAGE}

# app/: an npm project in which `npm install launch-local-<version>.tgz` was run (node_modules built
# for this glibc), exactly what a user gets from the tarball.
COPY app/ /opt/launch-local/

ENV LAUNCH_LOCAL_HOST=0.0.0.0 \
    LAUNCH_LOCAL_PORT=5001 \
    LAUNCH_LOCAL_DATA_DIR=/data \
    LAUNCH_LOCAL_RUNTIME=process
VOLUME /data
EXPOSE 5001

# Healthy once the API answers /readyz (node's own fetch: the image needs no curl).
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.LAUNCH_LOCAL_PORT || 5001}/readyz`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]

ENTRYPOINT ["node", "/opt/launch-local/node_modules/launch-local/bin/launch-local.js"]
