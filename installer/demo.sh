#!/usr/bin/env bash
# Sets up a fresh Debian 12 machine, builds gongkai and runs the county demo
# (installer/county_demo.sh): a hub, a township and two villages on this machine.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$here/.." && pwd)
bash "$here/setup.sh"
bash "$here/county_demo.sh" "$top/build"
