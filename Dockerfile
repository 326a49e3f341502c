# SPDX-License-Identifier: GPL-2.0-only
# minerwatch image for the Kubernetes DaemonSet and sidecar
# (deploy/k8s/*.yaml). Debian 12 both to build and to run.
#   docker build -t minerwatch:latest .
FROM debian:12 AS build
WORKDIR /src
COPY . .
# tools/deps.sh (run by make) installs the build packages it finds missing.
RUN apt-get update -qq \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends make ca-certificates \
 && make clean \
 && make -j"$(nproc)" \
 && make install DESTDIR=/out PREFIX=/usr/local

FROM debian:12-slim
RUN apt-get update -qq \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      libbpf1 libelf1 zlib1g libjansson4 \
 && rm -rf /var/lib/apt/lists/*
COPY --from=build /out/ /
# In a container the events go to stdout (kubectl logs / the node's log
# shipper); the DaemonSet mounts its own config over this one.
RUN sed -i 's|"outputs": \[.*\]|"outputs": ["stdout"]|' /etc/minerwatch/minerwatch.json \
 && /usr/local/sbin/minerwatch --config /etc/minerwatch/minerwatch.json --check-config
ENTRYPOINT ["/usr/local/sbin/minerwatch"]
CMD ["--config", "/etc/minerwatch/minerwatch.json"]
