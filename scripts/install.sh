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
# Confluent's librdkafka client compiles against these where npm has no prebuilt binary for it
# (a machine without internet); without them runs fall back to kafkajs, and say so
command -v make >/dev/null 2>&1 || missing+=(make)
command -v g++ >/dev/null 2>&1 || missing+=(g++)
command -v python3 >/dev/null 2>&1 || missing+=(python3)
for pkg in libssl-dev zlib1g-dev libzstd-dev liblz4-dev libsasl2-dev; do
  command -v dpkg-query >/dev/null 2>&1 || break
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done

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

# The librdkafka client is a native module. npm fetches a prebuilt binary where it can; here it
# is compiled against Debian's libraries (CKJS_LINKING=dynamic: its default static build
# downloads sources). The build is kept in the cache, so a fresh clone copies it in seconds.
cache="${STREAMCHAOS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/streamchaos}"
ckjs=node_modules/@confluentinc/kafka-javascript
ckjs_version=$(node -p "require('./package.json').optionalDependencies['@confluentinc/kafka-javascript']")
ckjs_cache="$cache/kafka-javascript-$ckjs_version-abi$(node -p process.versions.modules)-$(uname -m)"
ckjs_loads() { node -e "require('@confluentinc/kafka-javascript')" >/dev/null 2>&1; }

if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ] || [ ! -f dist/cli/main.js ]; then
  echo "› installing npm dependencies and building"
  if [ -f "$ckjs_cache/build/Release/confluent-kafka-javascript.node" ]; then
    # the native client was built before: no install script needs to run (the others are optional extras of ssh2)
    npm ci --no-audit --no-fund --loglevel=error --ignore-scripts
    cp -a "$ckjs_cache/build" "$ckjs/"
    ckjs_loads && echo "✓ librdkafka client: the cached build ($ckjs_cache)"
  else
    echo "› building the librdkafka client when npm has no binary for this machine (a few minutes, once)"
    CKJS_LINKING=dynamic npm ci --no-audit --no-fund --loglevel=error
  fi
  npm run --silent build
fi
if [ -d "$ckjs" ] && ! ckjs_loads && [ -f "$ckjs_cache/build/Release/confluent-kafka-javascript.node" ]; then
  rm -rf "$ckjs_cache"   # a cached build that does not load here (another libc, libraries gone): build again
  CKJS_LINKING=dynamic npm rebuild --loglevel=error @confluentinc/kafka-javascript >/dev/null 2>&1 || true
fi
if ckjs_loads; then
  if [ ! -f "$ckjs_cache/build/Release/confluent-kafka-javascript.node" ]; then
    mkdir -p "$ckjs_cache/build/Release" "$ckjs_cache/build/deps"
    cp -a "$ckjs/build/Release/confluent-kafka-javascript.node" "$ckjs_cache/build/Release/"
    cp -a "$ckjs"/build/deps/librdkafka*.so* "$ckjs_cache/build/deps/" 2>/dev/null || true
  fi
else
  echo "! the librdkafka client could not be built here: runs use kafkajs instead, and their summary and report say so"
fi

node bin/streamchaos.js setup
