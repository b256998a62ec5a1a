# The base of launch-local's image when no registry can be reached: the Debian rootfs the Docker
# tests use (scripts/ci/build-test-image.sh: python3 + pip) plus this machine's node binary and a
# cloudpickle wheel, both copied in by scripts/docker/build-image.sh.
ARG PYTHON_IMAGE=launch-local/test-python:bookworm
FROM ${PYTHON_IMAGE}
COPY node /usr/local/bin/node
COPY wheels/ /tmp/wheels/
RUN python3 -m pip install --no-index --find-links /tmp/wheels --break-system-packages --quiet cloudpickle \
 && rm -rf /tmp/wheels \
 && node --version && python3 -c "import cloudpickle"
