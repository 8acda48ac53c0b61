#!/usr/bin/env bash
# Installs the Debian packages BatchScore links against, when any is missing.
set -euo pipefail
packages=(libopenblas-dev libyaml-dev liblua5.4-dev libsnappy-dev liblz4-dev libzstd-dev zlib1g-dev libsqlite3-dev libpq-dev pkg-config)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
