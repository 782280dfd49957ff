#!/usr/bin/env bash
# A Docker engine for streamchaos on this machine, when none answers: no bridge, no iptables
# (containers use host networking, loopback only), its state and socket under the streamchaos
# cache, so it touches nothing else. Prints the DOCKER_HOST to use.
#
#   scripts/dockerd.sh start    start it (or say where the one that answers is)
#   scripts/dockerd.sh stop     stop the one this script started; leaves nothing running
#   scripts/dockerd.sh status
set -euo pipefail

root="${STREAMCHAOS_CACHE:-$HOME/.cache/streamchaos}/dockerd"
sock="unix://$root/docker.sock"
pidfile="$root/dockerd.pid"

answers() { DOCKER_HOST="$1" timeout 5 docker version --format '{{.Server.Version}}' >/dev/null 2>&1; }

case "${1:-start}" in
  start)
    if [ -n "${DOCKER_HOST:-}" ] && answers "$DOCKER_HOST"; then echo "$DOCKER_HOST"; exit 0; fi
    if answers "unix:///var/run/docker.sock"; then echo "unix:///var/run/docker.sock"; exit 0; fi
    if answers "$sock"; then echo "$sock"; exit 0; fi
    if ! command -v dockerd >/dev/null 2>&1; then
      echo "no dockerd here: install Docker (Debian: apt-get install docker.io)" >&2
      exit 1
    fi
    mkdir -p "$root"
    setsid dockerd --bridge=none --iptables=false --ip6tables=false \
      --data-root "$root/data" --exec-root "$root/exec" --pidfile "$pidfile" \
      -H "$sock" >"$root/dockerd.log" 2>&1 < /dev/null 3>&- 4>&- 5>&- 6>&- 7>&- 8>&- 9>&- &
    # (a daemon keeps no descriptor of its caller: an inherited lock or pipe would stay held)
    for _ in $(seq 1 60); do
      if answers "$sock"; then echo "$sock"; exit 0; fi
      sleep 0.5
    done
    echo "dockerd did not answer within 30 s; its log: $root/dockerd.log" >&2
    tail -5 "$root/dockerd.log" >&2 || true
    exit 1
    ;;
  stop)
    # by its pid file, or (the file lost) by the command line that names it
    pids="$( ( [ -f "$pidfile" ] && { cat "$pidfile"; echo; }; pgrep -f -- "--pidfile $pidfile" ) 2>/dev/null | grep -E '^[0-9]+$' | sort -u || true)"
    for pid in $pids; do
      kill "$pid" 2>/dev/null || true
      for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
      kill -9 "$pid" 2>/dev/null || true
    done
    rm -f "$pidfile"
    # the network namespace mount dockerd leaves in its exec root
    grep -o "$root/exec[^ ]*" /proc/mounts 2>/dev/null | sort -r | xargs -r -n1 umount 2>/dev/null || true
    echo "stopped"
    ;;
  status)
    if answers "$sock"; then echo "running: $sock"; else echo "not running"; exit 1; fi
    ;;
  *)
    echo "usage: $0 start|stop|status" >&2
    exit 2
    ;;
esac
