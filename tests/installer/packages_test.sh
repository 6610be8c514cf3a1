#!/usr/bin/env bash
# The Debian packages, installed for real on this machine (it must run as root):
#   1. make gongkai and gongkai-hub from this build (CPack), lintian: no errors;
#   2. install the previous release's packages (fixtures/), check the user, the folders and
#      the conffiles; set up a hub and an offline-enrolled village node in /var/lib, change both
#      conffiles, start the hub by hand as its unit would run it (systemd is not PID 1 in CI),
#      write a disclosure, sync;
#   3. upgrade to this build's packages: the data (digests, list) and the changed conffiles are
#      kept; systemd-analyze verify accepts every unit; the sync timer's generator reads
#      node.conf; the upgraded hub and node sync again, a sync with the hub down succeeds
#      quietly (exit 75) and one with a configuration error fails;
#   4. dpkg --remove keeps the data, dpkg --purge warns and deletes it.
# The machine is left as it was found (a trap stops the hub, purges the packages and removes the
# gongkai user if this test made it). Exits 77 (skipped) when not root, or when gongkai is
# already installed here or its folders exist, so that nothing of a real installation is touched.
#
#   tests/installer/packages_test.sh BUILD_DIR
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$here/../.." && pwd)
build=$(cd "${1:?usage: packages_test.sh BUILD_DIR}" && pwd)
skip() { echo "跳过 SKIPPED: $*"; exit 77; }
step() { printf '\n== %s\n' "$*"; }
fail() { echo "失败 FAILED: $*" >&2; exit 1; }

[ "$(id -u)" -eq 0 ] || skip "installing packages needs root (CI runs this as root)"
for tool in dpkg dpkg-deb cpack lintian desktop-file-validate systemd-analyze adduser setpriv; do
  command -v "$tool" >/dev/null || skip "$tool is not installed (installer/packages.txt)"
done
arch=$(dpkg --print-architecture)
old_version=0.1.0
[ -f "$here/fixtures/gongkai_${old_version}_${arch}.deb" ] ||
  skip "no $old_version packages for $arch in tests/installer/fixtures"
for p in gongkai gongkai-hub; do
  if dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null | grep -qv '^not-installed$'; then
    skip "package $p is already on this machine; this test would replace it"
  fi
done
for path in /var/lib/gongkai /var/lib/gongkai-hub /etc/gongkai; do
  [ ! -e "$path" ] || skip "$path exists; this test would delete it"
done
user_existed=0
getent passwd gongkai >/dev/null && user_existed=1

work=$(mktemp -d /tmp/gongkai-packages.XXXXXX)
chmod 0755 "$work"
hub_pid=""
console_pid=""
stop_hub() {
  if [ -n "$hub_pid" ]; then
    kill -TERM "$hub_pid" 2>/dev/null || true
    wait "$hub_pid" 2>/dev/null || true
    hub_pid=""
  fi
}
stop_console() {
  if [ -n "$console_pid" ]; then
    kill -TERM "$console_pid" 2>/dev/null || true
    wait "$console_pid" 2>/dev/null || true
    console_pid=""
  fi
}
cleanup() {
  local status=$?
  stop_hub
  stop_console
  for p in gongkai gongkai-hub; do
    if dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null | grep -qv '^not-installed$'; then
      dpkg --purge "$p" >/dev/null 2>&1 || echo "清理 cleanup: dpkg --purge $p failed" >&2
    fi
  done
  if [ "$user_existed" -eq 0 ] && getent passwd gongkai >/dev/null; then
    deluser --quiet --system gongkai >/dev/null 2>&1 || true
  fi
  if [ "$user_existed" -eq 0 ] && getent group gongkai >/dev/null; then
    delgroup --quiet --system gongkai >/dev/null 2>&1 || true
  fi
  rm -rf "$work"
  exit $status
}
trap cleanup EXIT
trap 'exit 1' INT TERM

as_gongkai() { setpriv --reuid=gongkai --regid=gongkai --init-groups -- "$@"; }
G=/usr/bin/gongkai
H=/usr/bin/gongkai-hub
node=/var/lib/gongkai
hub=/var/lib/gongkai-hub
region=511304100201

# unit_command UNIT: sets `command` to the unit's ExecStart= with its EnvironmentFile= read as
# systemd reads it (${VAR} is one word, $VAR is split at spaces), and `user` to its User=.
unit_command() {
  local unit=/lib/systemd/system/$1 line envfile key value word
  declare -A vars=()
  line=$(sed -n 's/^ExecStart=//p' "$unit")
  envfile=$(sed -n 's/^EnvironmentFile=-\{0,1\}//p' "$unit")
  user=$(sed -n 's/^User=//p' "$unit")
  if [ -n "$envfile" ]; then
    while IFS= read -r line_env; do
      [[ $line_env =~ ^[[:space:]]*([A-Za-z_][A-Za-z0-9_]*)=(.*)$ ]] || continue
      key=${BASH_REMATCH[1]}
      value=${BASH_REMATCH[2]}
      value=${value#\"}
      value=${value%\"}
      vars[$key]=$value
    done <"$envfile"
  fi
  command=()
  set -f
  for word in $line; do
    if [[ $word =~ ^\$\{([A-Za-z_][A-Za-z0-9_]*)\}$ ]]; then
      command+=("${vars[${BASH_REMATCH[1]}]-}")
    elif [[ $word =~ ^\$([A-Za-z_][A-Za-z0-9_]*)$ ]]; then
      # shellcheck disable=SC2206
      command+=(${vars[${BASH_REMATCH[1]}]-})
    else
      command+=("$word")
    fi
  done
  set +f
}

# start_hub: runs gongkai-hub.service's command as its user, and sets hub_url.
start_hub() {
  unit_command gongkai-hub.service
  [ "$user" = gongkai ] || fail "gongkai-hub.service runs as '$user', not gongkai"
  : >"$work/hub.out"
  setpriv --reuid="$user" --regid="$user" --init-groups -- "${command[@]}" \
    >"$work/hub.out" 2>>"$work/hub.log" &
  hub_pid=$!
  for _ in $(seq 1 100); do
    grep -q '^listening on ' "$work/hub.out" && break
    kill -0 "$hub_pid" 2>/dev/null || { cat "$work/hub.log" >&2; fail "the hub did not start"; }
    sleep 0.1
  done
  hub_url="http://$(sed -n 's/^listening on //p' "$work/hub.out")"
  [ "$hub_url" != http:// ] || fail "the hub printed no address"
  echo "汇聚服务 hub: $hub_url (${command[*]})"
}

# sync_node: runs gongkai-sync.service's command as its user; sets sync_status.
sync_node() {
  unit_command gongkai-sync.service
  set +e
  setpriv --reuid="$user" --regid="$user" --init-groups -- "${command[@]}" >"$work/sync.out" 2>&1
  sync_status=$?
  set -e
  cat "$work/sync.out"
}

json_string() { sed -n "s/.*\"$1\":\"\([^\"]*\)\".*/\1/p"; }
snapshot() {  # snapshot NAME: the node's and the hub's digest of the village, and the list
  as_gongkai "$G" digest --home "$node" --region "$region" --json | json_string digest >"$work/$1.node-digest"
  as_gongkai "$H" digest --home "$hub" --region "$region" --json | json_string digest >"$work/$1.hub-digest"
  as_gongkai "$G" list --home "$node" >"$work/$1.list"
  [ -s "$work/$1.node-digest" ] || fail "no digest from the node"
}

step "1. 构建软件包 building the packages from $build"
start=$(date +%s)
cpack --config "$build/CPackConfig.cmake" -B "$work/packages" >"$work/cpack.log" 2>&1 ||
  { cat "$work/cpack.log"; fail "cpack"; }
new_node_deb=$(ls "$work"/packages/gongkai_*_"$arch".deb)
new_hub_deb=$(ls "$work"/packages/gongkai-hub_*_"$arch".deb)
new_version=$(dpkg-deb -f "$new_node_deb" Version)
echo "$(basename "$new_node_deb") $(basename "$new_hub_deb") in $(($(date +%s) - start)) s"
dpkg --compare-versions "$new_version" gt "$old_version" ||
  fail "this build's version $new_version is not newer than the fixtures' $old_version"
for deb in "$new_node_deb" "$new_hub_deb"; do
  echo "$(basename "$deb"): $(dpkg-deb -f "$deb" Depends)"
done
dpkg-deb -f "$new_node_deb" Depends | grep -q 'libsqlite3-0' || fail "gongkai does not depend on libsqlite3-0"
dpkg-deb -f "$new_node_deb" Depends | grep -q 'fonts-noto-cjk' || fail "gongkai does not depend on fonts-noto-cjk"
dpkg-deb -f "$new_hub_deb" Depends | grep -q 'libsodium23' || fail "gongkai-hub does not depend on libsodium23"

step "lintian"
lintian --fail-on error "$new_node_deb" "$new_hub_deb" | tee "$work/lintian.out" ||
  fail "lintian reports errors"
! grep -q '^E:' "$work/lintian.out" || fail "lintian reports errors"

dpkg-deb --fsys-tarfile "$new_node_deb" | tar -xO ./usr/share/applications/gongkai.desktop >"$work/gongkai.desktop"
desktop-file-validate "$work/gongkai.desktop" || fail "the desktop entry does not validate"
grep -qx 'Name=公开栏' "$work/gongkai.desktop" || fail "the desktop entry is not named 公开栏"
grep -qx 'Exec=gongkai ui --open' "$work/gongkai.desktop" || fail "the desktop entry does not run gongkai ui --open"
echo "desktop entry: valid"

step "2. 安装上一版 installing the $old_version packages (fixtures)"
dpkg -i "$here/fixtures/gongkai_${old_version}_${arch}.deb" \
  "$here/fixtures/gongkai-hub_${old_version}_${arch}.deb" </dev/null 2>&1 | tee "$work/install.out"
[ "$(dpkg-query -W -f='${Version}' gongkai)" = "$old_version" ] || fail "gongkai $old_version not installed"
uid=$(id -u gongkai)
[ "$uid" -lt 1000 ] || fail "gongkai is not a system user (uid $uid)"
for dir in "$node" "$hub"; do
  [ "$(stat -c '%U:%G %a' "$dir")" = "gongkai:gongkai 700" ] ||
    fail "$dir is $(stat -c '%U:%G %a' "$dir"), not gongkai:gongkai 700"
done
dpkg-query -W -f='${Conffiles}\n' gongkai | grep -q '/etc/gongkai/node.conf' || fail "node.conf is no conffile"
dpkg-query -W -f='${Conffiles}\n' gongkai-hub | grep -q '/etc/gongkai/hub.conf' || fail "hub.conf is no conffile"
if [ ! -d /run/systemd/system ]; then
  grep -q 'systemd is not running here' "$work/install.out" ||
    fail "the maintainer scripts did not say how to start the programs without systemd"
fi

step "建立县级汇聚节点、离线登记石庙村 a hub and an offline-enrolled village"
mkdir -p "$work/exchange"
chown gongkai:gongkai "$work/exchange"
printf '嘉陵区根密钥-安装测试口令\n' >"$work/exchange/pass.txt"
chown gongkai:gongkai "$work/exchange/pass.txt"
chmod 600 "$work/exchange/pass.txt"
cp "$top/tests/node/fixtures/subsidy_gb18030.csv" "$work/exchange/"
# As installer/README.md says: `gongkai-hub init` builds the home beside it and renames it into
# place, which needs write access to /var/lib; so root runs it and hands the folder over.
"$H" init --home "$hub" --county 511304 --name 嘉陵区 \
  --passphrase-file "$work/exchange/pass.txt" --fast-kdf >/dev/null
chown gongkai:gongkai "$hub" "$hub"/*
left=$(find "$hub" ! -user gongkai)
[ -z "$left" ] || fail "after the documented chown, not owned by gongkai: $left"
[ "$(stat -c '%a' "$hub")" = 700 ] || fail "gongkai-hub init left $hub with mode $(stat -c '%a' "$hub")"
as_gongkai "$G" init --home "$node" --region "$region" --name 石庙村 \
  --request-out "$work/exchange/shimiao.request" >/dev/null
as_gongkai "$H" enroll --home "$hub" --request "$work/exchange/shimiao.request" --role village \
  --out "$work/exchange/shimiao.cert" --passphrase-file "$work/exchange/pass.txt" >/dev/null
as_gongkai "$G" init --home "$node" --certificate "$work/exchange/shimiao.cert" >/dev/null

step "改配置文件 changing both conffiles (the hub on 127.0.0.1, a port it picks; sync every 7 minutes)"
sed -i 's/^GONGKAI_HUB_LISTEN=.*/GONGKAI_HUB_LISTEN=127.0.0.1:0/' /etc/gongkai/hub.conf
sed -i 's/^GONGKAI_HUB_CONSOLE_LISTEN=.*/GONGKAI_HUB_CONSOLE_LISTEN=127.0.0.1:0/' /etc/gongkai/hub.conf
sed -i 's/^GONGKAI_SYNC_MINUTES=.*/GONGKAI_SYNC_MINUTES=7/' /etc/gongkai/node.conf
cp /etc/gongkai/hub.conf "$work/hub.conf.changed"
cp /etc/gongkai/node.conf "$work/node.conf.changed"

step "同步：未设置汇聚服务器地址时什么也不做 sync with no hub address: nothing, exit 75"
sync_node
[ "$sync_status" -eq 75 ] || fail "sync with no hub address exited $sync_status, not 75"

step "$old_version：启动汇聚服务，写一份公开，同步 start the hub, write a disclosure, sync"
start_hub
as_gongkai "$G" config set --home "$node" hub "$hub_url" >/dev/null
first=$(as_gongkai "$G" new --home "$node" --category subsidy --title 2024年耕地地力保护补贴发放公示 \
  --period 2024 --import "$work/exchange/subsidy_gb18030.csv" --json | json_string id)
as_gongkai "$G" submit --home "$node" "$first" --by 王文书 >/dev/null
sync_node
[ "$sync_status" -eq 0 ] || fail "sync under $old_version exited $sync_status"
stop_hub
snapshot before
[ "$(cat "$work/before.node-digest")" = "$(cat "$work/before.hub-digest")" ] ||
  fail "after the sync the node's and the hub's digests differ"
cat "$work/before.list"

step "3. 升级 upgrading to $new_version"
dpkg -i --force-confold "$new_node_deb" "$new_hub_deb" </dev/null 2>&1 | tee "$work/upgrade.out"
[ "$(dpkg-query -W -f='${Version}' gongkai)" = "$new_version" ] || fail "gongkai $new_version not installed"
[ "$(dpkg-query -W -f='${Version}' gongkai-hub)" = "$new_version" ] || fail "gongkai-hub $new_version not installed"
cmp "$work/hub.conf.changed" /etc/gongkai/hub.conf || fail "the upgrade did not keep the changed hub.conf"
cmp "$work/node.conf.changed" /etc/gongkai/node.conf || fail "the upgrade did not keep the changed node.conf"
for dir in "$node" "$hub"; do
  [ "$(stat -c '%U:%G %a' "$dir")" = "gongkai:gongkai 700" ] || fail "the upgrade changed $dir"
done
snapshot after
for part in node-digest hub-digest list; do
  cmp "$work/before.$part" "$work/after.$part" || fail "the upgrade changed the $part"
done
echo "数据不变 data intact: digest $(cut -c1-16 "$work/after.node-digest")…, $(grep -c . "$work/after.list") lines of list"

step "systemd-analyze verify"
units=(/lib/systemd/system/gongkai-hub.service /lib/systemd/system/gongkai-hub-console.service
       /lib/systemd/system/gongkai-ui.service /lib/systemd/system/gongkai-sync.service
       /lib/systemd/system/gongkai-sync.timer)
systemd-analyze verify "${units[@]}" 2>&1 | tee "$work/verify.out"
[ "${PIPESTATUS[0]}" -eq 0 ] || fail "systemd-analyze verify"
[ ! -s "$work/verify.out" ] || fail "systemd-analyze verify printed warnings"
echo "accepted: ${units[*]##*/}"
# The hardening, as systemd scores it (0 = fully confined, 10 = not at all): each service 2.0 or
# better, so that a weakened unit fails here.
for unit in "${units[@]}"; do
  case "$unit" in *.service) ;; *) continue ;; esac
  systemd-analyze security --offline=yes --threshold=20 --no-pager "$unit" >"$work/security.out" 2>&1 ||
    { tail -n 1 "$work/security.out"; fail "$(basename "$unit") is exposed more than 2.0"; }
  tail -n 1 "$work/security.out"
done

step "同步间隔 the sync timer's generator reads node.conf (7 minutes)"
/lib/systemd/system-generators/gongkai-sync-generator "$work/generator" "$work/generator" "$work/generator"
grep -qx 'OnUnitInactiveSec=7min' "$work/generator/gongkai-sync.timer.d/50-interval.conf" ||
  fail "the generator did not write the 7-minute drop-in"
cat "$work/generator/gongkai-sync.timer.d/50-interval.conf"

step "$new_version：再写一份、同步 the upgraded hub and node sync"
start_hub
as_gongkai "$G" config set --home "$node" hub "$hub_url" >/dev/null
second=$(as_gongkai "$G" new --home "$node" --category affairs --title 2024年村道硬化一事一议公示 \
  --period 2024 --body 经村民代表会议表决通过。 --json | json_string id)
as_gongkai "$G" submit --home "$node" "$second" --by 王文书 >/dev/null
sync_node
[ "$sync_status" -eq 0 ] || fail "sync under $new_version exited $sync_status"
grep -q "推送 [1-9]" "$work/sync.out" || fail "the upgraded node did not push its new envelope"
snapshot upgraded
[ "$(cat "$work/upgraded.node-digest")" = "$(cat "$work/upgraded.hub-digest")" ] ||
  fail "after the upgraded sync the node's and the hub's digests differ"
! cmp -s "$work/before.node-digest" "$work/upgraded.node-digest" || fail "the second disclosure changed nothing"
grep -q "${second:0:8}" "$work/upgraded.list" || fail "the second disclosure is not listed"

step "自检 gongkai doctor and gongkai-hub doctor on the installed homes"
set +e
as_gongkai "$H" doctor --home "$hub" --json >"$work/hub-doctor.json"
hub_doctor=$?
as_gongkai "$G" doctor --home "$node" --json >"$work/node-doctor.json"
set -e
cat "$work/hub-doctor.json" "$work/node-doctor.json"
# The hub has served, logged and checkpointed everything: all is well.
[ "$hub_doctor" -eq 0 ] || fail "gongkai-hub doctor found a problem on the installed hub"
# The node: its own files and the hub must be well; a CI machine has no printer queue.
for id in home database certificate hub outbox; do
  grep -q "\"id\":\"$id\",\"message\":\"[^\"]*\",\"status\":\"ok\"" "$work/node-doctor.json" ||
    fail "gongkai doctor: check $id is not ok on the installed node"
done

step "县级管理界面 the console as gongkai-hub-console.service runs it: login page, and nothing without a session"
printf '县里的管理员密码-安装\n' >"$work/exchange/admin.txt"
chown gongkai:gongkai "$work/exchange/admin.txt"
as_gongkai "$H" console user add 王科长 --role admin --home "$hub" \
  --passphrase-file "$work/exchange/admin.txt" >/dev/null
unit_command gongkai-hub-console.service
[ "$user" = gongkai ] || fail "gongkai-hub-console.service runs as '$user', not gongkai"
setpriv --reuid="$user" --regid="$user" --init-groups -- "${command[@]}" \
  >"$work/console.out" 2>"$work/console.log" &
console_pid=$!
for _ in $(seq 1 100); do
  grep -q '^console on ' "$work/console.out" && break
  kill -0 "$console_pid" 2>/dev/null || { cat "$work/console.log" >&2; fail "the console did not start"; }
  sleep 0.1
done
console_url=$(sed -n 's/^console on //p' "$work/console.out")
[ -n "$console_url" ] || fail "the console printed no address"
curl -s "${console_url}login" | grep -q '登录县级管理界面' || fail "the console shows no login page"
[ "$(curl -s -o /dev/null -w '%{http_code}' "${console_url}audit/report")" = 303 ] ||
  fail "the console answered without a session"
[ "$(curl -s -o /dev/null -w '%{http_code}' --data-urlencode 'name=王科长' \
      --data-urlencode 'password=县里的管理员密码-安装' "${console_url}login")" = 303 ] ||
  fail "the console refused its admin"
stop_console
echo "县级管理界面 console: ${console_url} (${command[*]})"

step "汇聚服务停止时同步安静地不做事 the hub down: the sync unit succeeds quietly (exit 75)"
stop_hub
sync_node
[ "$sync_status" -eq 75 ] || fail "sync with the hub down exited $sync_status, not 75"
grep -q 'sync.unreachable' "$work/sync.out" || fail "no [sync.unreachable] line"
[ "$(grep -c . "$work/sync.out")" -eq 1 ] || fail "sync with the hub down printed more than one line"

step "配置错误不能被当作无网络 a real failure still fails the sync unit (https with no fingerprint)"
as_gongkai "$G" config set --home "$node" hub https://127.0.0.1:9 >/dev/null
sync_node
[ "$sync_status" -eq 1 ] || fail "sync with an unpinned https hub exited $sync_status, not 1"
grep -q 'sync.tls_unpinned' "$work/sync.out" || fail "no [sync.tls_unpinned] error"

step "4. 卸载（保留数据）dpkg --remove keeps the data"
dpkg --remove gongkai gongkai-hub </dev/null 2>&1 | tee "$work/remove.out"
[ ! -e "$G" ] && [ ! -e "$H" ] || fail "the programs are still there after remove"
[ -f "$node/replica.db" ] && [ -f "$node/node.key" ] || fail "remove deleted the node's data"
[ -f "$hub/replica.db" ] && [ -f "$hub/root.key" ] || fail "remove deleted the hub's data"
[ -f /etc/gongkai/node.conf ] && [ -f /etc/gongkai/hub.conf ] || fail "remove deleted the conffiles"
grep -q 'the data stays in /var/lib/gongkai' "$work/remove.out" || fail "remove did not say the data stays"

step "彻底删除 dpkg --purge warns, then deletes the data"
dpkg --purge gongkai gongkai-hub </dev/null 2>&1 | tee "$work/purge.out"
grep -q '^警告：正在彻底删除 gongkai，本机数据目录 /var/lib/gongkai 将被删除' "$work/purge.out" ||
  fail "purge printed no Chinese warning for the node"
grep -q '^WARNING: purging gongkai deletes /var/lib/gongkai:' "$work/purge.out" ||
  fail "purge printed no English warning for the node"
grep -q '^WARNING: purging gongkai-hub deletes /var/lib/gongkai-hub:' "$work/purge.out" ||
  fail "purge printed no warning for the hub"
for path in "$node" "$hub" /var/cache/gongkai /etc/gongkai; do
  [ ! -e "$path" ] || fail "$path is still there after purge"
done
leftover=$(find /etc/systemd/system /var/lib/systemd/deb-systemd-helper-enabled \
  /var/lib/systemd/deb-systemd-helper-masked -name '*gongkai*' 2>/dev/null || true)
[ -z "$leftover" ] || fail "purge left: $leftover"

echo
echo "通过 PASSED: packages $old_version -> $new_version: install, data, upgrade, sync, remove, purge"
