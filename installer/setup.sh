#!/usr/bin/env bash
# Sets up a Debian 12 machine for gongkai and builds it.
#
#   installer/setup.sh [--build-dir DIR] [--sanitize] [--fuzz] [--packages] [--no-build]
#
# Installs the Debian packages listed in installer/packages.txt (only those missing, so a
# second run changes nothing), then configures and builds with CMake and Ninja.
#   --sanitize   build with AddressSanitizer + UndefinedBehaviorSanitizer (default dir build-asan)
#   --fuzz       build the libFuzzer targets with clang (default dir build-fuzz)
#   --packages   build only the two programs and the Debian packages gongkai and gongkai-hub,
#                in DIR/packages (default dir build; see installer/README.md)
#   --no-build   install packages only
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$here/.." && pwd)
build_dir=""
mode=normal
do_build=1
while [ $# -gt 0 ]; do
  case "$1" in
    --build-dir) build_dir="$2"; shift 2 ;;
    --sanitize) mode=sanitize; shift ;;
    --fuzz) mode=fuzz; shift ;;
    --packages) mode=packages; shift ;;
    --no-build) do_build=0; shift ;;
    -h|--help) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "setup.sh: 未知参数 unknown argument: $1" >&2; exit 2 ;;
  esac
done

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

mapfile -t wanted < <(grep -v '^#' "$here/packages.txt" | sed '/^\s*$/d')
missing=()
for p in "${wanted[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "== 安装软件包 installing ${#missing[@]} Debian packages: ${missing[*]}"
  as_root apt-get update -q
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
else
  echo "== 软件包齐全 all ${#wanted[@]} Debian packages present"
fi

[ "$do_build" -eq 1 ] || exit 0

cmake_args=(-G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo)
case "$mode" in
  normal|packages) : "${build_dir:=$top/build}" ;;
  sanitize) : "${build_dir:=$top/build-asan}"; cmake_args+=(-DGONGKAI_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug) ;;
  fuzz) : "${build_dir:=$top/build-fuzz}"
        cmake_args+=(-DGONGKAI_FUZZ=ON -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++) ;;
esac
export CCACHE_BASEDIR="$top"
echo "== 构建 building ($mode) in $build_dir"
cmake -S "$top" -B "$build_dir" "${cmake_args[@]}" >/dev/null
if [ "$mode" = packages ]; then
  cmake --build "$build_dir" -j2 --target deb
  ls -l "$build_dir"/packages/*.deb
else
  cmake --build "$build_dir" -j2
fi
