#!/usr/bin/env bash
# Installs what streamchaos needs on a Debian-like machine, then its npm dependencies,
# then Kafka and Toxiproxy into the cache (~/.cache/streamchaos). Safe to run again:
# every step is skipped when already done.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v java >/dev/null 2>&1 || missing+=(openjdk-17-jre-headless)
command -v mvn >/dev/null 2>&1 || [ -n "${KAFKA_HOME:-}" ] || missing+=(maven)
command -v go >/dev/null 2>&1 || command -v toxiproxy-server >/dev/null 2>&1 || [ -n "${TOXIPROXY_SERVER:-}" ] || missing+=(golang-go)
command -v setpriv >/dev/null 2>&1 || missing+=(util-linux)
command -v kcat >/dev/null 2>&1 || missing+=(kcat)         # the tests' independent Kafka client
command -v ss >/dev/null 2>&1 || missing+=(iproute2)        # the tests inspect brokers' connections
[ -x "${CHROMIUM:-/usr/bin/chromium}" ] || missing+=(chromium) # the tests open the HTML report in it (headless)
command -v docker-compose >/dev/null 2>&1 || missing+=(docker-compose) # the tests validate docker-compose.yml with it
command -v dockerd >/dev/null 2>&1 || missing+=(docker.io)            # the Docker engine (scripts/dockerd.sh starts it)

if [ ${#missing[@]} -gt 0 ]; then
  if command -v apt-get >/dev/null 2>&1; then
    sudo=""
    [ "$(id -u)" -ne 0 ] && sudo="sudo"
    echo "› installing Debian packages: ${missing[*]}"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "streamchaos needs: ${missing[*]} (no apt-get here: please install them with your package manager)" >&2
    exit 1
  fi
fi

if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ] || [ ! -f dist/cli/main.js ]; then
  echo "› installing npm dependencies and building"
  npm ci --no-audit --no-fund --loglevel=error
  npm run --silent build
fi

node bin/streamchaos.js setup
