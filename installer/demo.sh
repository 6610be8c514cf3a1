#!/usr/bin/env bash
# Sets up a fresh Debian 12 machine, builds gongkai and runs its main job.
# Until the county demo exists, that is the protocol benchmark, which exercises every part
# of protocol/ (hashes, signatures, compression, envelopes) and prints what it measured.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$here/.." && pwd)
bash "$here/setup.sh"
"$top/build/tests/bench/protocol_bench"
