#!/usr/bin/env bash
# `gongkai print ID --printer QUEUE` against a real CUPS scheduler: a private cupsd (Debian's
# cups-daemon) whose configuration, spool, logs and socket are all inside this test's folder,
# with one queue whose file: device writes the PDF that comes out of CUPS's pdftopdf filter. The
# queue's PPD (fixtures/a3-pdf-printer.ppd) defaults to A4, so only a job that asks for A3 comes
# out A3. Checks: the job completed, its media attribute is A3 (ipptool), every page of the PDF
# that came out is A3 (pdfinfo: 842 x 1191 pt), and that PDF is the sheet (pdftotext: the title).
# Stops the scheduler it started (trap). Exits 77 (skipped) where cupsd cannot start here.
#
#   tests/installer/cups_print_test.sh GONGKAI GONGKAI_HUB     (the two built programs)
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$here/../.." && pwd)
G=$(realpath "${1:?usage: cups_print_test.sh GONGKAI GONGKAI_HUB}")
H=$(realpath "${2:?usage: cups_print_test.sh GONGKAI GONGKAI_HUB}")
skip() { echo "跳过 SKIPPED: $*"; exit 77; }
fail() { echo "失败 FAILED: $*" >&2; exit 1; }
step() { printf '\n== %s\n' "$*"; }

[ -x "$G" ] && [ -x "$H" ] || fail "$G or $H is not a built program"
cupsd=/usr/sbin/cupsd
[ -x "$cupsd" ] || skip "no $cupsd (Debian package cups-daemon, installer/packages.txt)"
[ -x /usr/lib/cups/filter/pdftopdf ] || skip "no pdftopdf filter (Debian package cups-filters)"
for tool in lp lpadmin lpstat ipptool pdfinfo pdftotext; do
  command -v "$tool" >/dev/null || skip "$tool is not installed (installer/packages.txt)"
done
[ "$(id -u)" -eq 0 ] || skip "cupsd runs its filters as user lp, which needs root to start it"
getent passwd lp >/dev/null || skip "there is no user lp for cupsd's filters"

work=$(mktemp -d /tmp/gongkai-cups.XXXXXX)
chmod 0755 "$work"
cupsd_pid=""
cleanup() {
  local status=$?
  if [ -n "$cupsd_pid" ]; then
    kill -TERM "$cupsd_pid" 2>/dev/null || true
    wait "$cupsd_pid" 2>/dev/null || true
  fi
  [ "$status" -eq 0 ] || [ ! -f "$work/log/error_log" ] || tail -n 30 "$work/log/error_log" >&2
  rm -rf "$work"
  exit $status
}
trap cleanup EXIT
trap 'exit 1' INT TERM

step "私有 CUPS 调度器 a private cupsd in $work"
mkdir -p "$work"/{conf,spool/tmp,cache,state,log,out}
chown lp "$work/out"
cat >"$work/conf/cupsd.conf" <<EOF
Listen $work/cups.sock
LogLevel info
Browsing No
WebInterface No
DefaultAuthType None
<Location />
  Order allow,deny
  Allow all
</Location>
<Policy default>
  JobPrivateAccess all
  JobPrivateValues none
  SubscriptionPrivateAccess all
  SubscriptionPrivateValues none
  <Limit All>
    Order deny,allow
  </Limit>
</Policy>
EOF
cat >"$work/conf/cups-files.conf" <<EOF
ServerRoot $work/conf
RequestRoot $work/spool
TempDir $work/spool/tmp
CacheDir $work/cache
StateDir $work/state
Printcap $work/state/printcap
ErrorLog $work/log/error_log
AccessLog $work/log/access_log
PageLog $work/log/page_log
FileDevice Yes
EOF
"$cupsd" -t -c "$work/conf/cupsd.conf" -s "$work/conf/cups-files.conf" >"$work/log/check" 2>&1 ||
  { cat "$work/log/check"; skip "cupsd does not accept its configuration here"; }
"$cupsd" -f -c "$work/conf/cupsd.conf" -s "$work/conf/cups-files.conf" >"$work/log/stdout" 2>&1 &
cupsd_pid=$!
export CUPS_SERVER=$work/cups.sock
for _ in $(seq 1 100); do
  lpstat -r >/dev/null 2>&1 && break
  kill -0 "$cupsd_pid" 2>/dev/null || { cat "$work/log/stdout"; skip "cupsd did not start here"; }
  sleep 0.1
done
lpstat -r | grep -q 'scheduler is running' || skip "cupsd does not answer on $CUPS_SERVER"
queue=gongkai-a3
lpadmin -p "$queue" -E -v "file://$work/out/job.pdf" -P "$here/fixtures/a3-pdf-printer.ppd" 2>&1 |
  grep -v 'drivers are deprecated' || true
lpstat -p "$queue" | grep -q enabled || fail "queue $queue is not enabled"

step "一个村节点和一份公示 a village node with a disclosure"
cd "$work"
printf '测试口令-打印\n' >pass.txt
chmod 600 pass.txt
"$H" init --home hub --county 511304 --name 嘉陵区 --passphrase-file pass.txt --fast-kdf >/dev/null
"$G" init --home node --region 511304100201 --name 石庙村 --request-out node.request >/dev/null
"$H" enroll --home hub --request node.request --role village --out node.cert --passphrase-file pass.txt >/dev/null
"$G" init --home node --certificate node.cert >/dev/null
# The sheet names the township and the county: the node learns them from their certificates.
"$G" init --home town --region 511304100 --name 龙蟠镇 --request-out town.request >/dev/null
"$H" enroll --home hub --request town.request --role township --out town.cert --passphrase-file pass.txt >/dev/null
"$H" bundle export --home hub --for 511304100201 --out hub.gkb >/dev/null
"$G" bundle import --home node hub.gkb >/dev/null
title=2024年耕地地力保护补贴发放公示
id=$("$G" new --home node --category subsidy --title "$title" --period 2024 \
  --import "$top/tests/node/fixtures/subsidy_gb18030.csv" --json |
  sed -n 's/.*"id":"\([^"]*\)".*/\1/p')
[ -n "$id" ] || fail "gongkai new gave no id"
"$G" submit --home node "$id" --by 王文书 >/dev/null

step "gongkai print $id --printer $queue"
"$G" print --home node "$id" --out sheet.pdf --printer "$queue" | tee print.out
job=$(sed -n "s/^request id is \($queue-[0-9]*\) .*/\1/p" print.out)
[ -n "$job" ] || fail "lp printed no request id"
for _ in $(seq 1 300); do
  lpstat -W completed -o "$queue" | grep -q "^$job " && break
  sleep 0.1
done
lpstat -W completed -o "$queue" | grep -q "^$job " || fail "job $job did not complete in 30 s"

step "核对 the job's media and the PDF that came out"
socket_host=$(printf '%s' "$CUPS_SERVER" | sed 's,/,%2F,g')
ipptool -tv "ipp://$socket_host/jobs/${job##*-}" get-job-attributes.test >ipp.out 2>&1 ||
  { cat ipp.out; fail "ipptool get-job-attributes"; }
grep -E '^ +(media|job-state) ' ipp.out
grep -qE '^ +media \(keyword\) = A3$' ipp.out || fail "the job's media is not A3"
[ -s out/job.pdf ] || fail "nothing came out of the queue"
pages=$(pdfinfo sheet.pdf | sed -n 's/^Pages: *//p')
[ "$(pdfinfo out/job.pdf | sed -n 's/^Pages: *//p')" = "$pages" ] || fail "the printed PDF has not $pages pages"
sizes=$(pdfinfo -f 1 -l "$pages" out/job.pdf | sed -n 's/^Page *[0-9]* size: *//p' | sort -u)
echo "$pages 页 pages: $sizes"
[ "$sizes" = "842 x 1191 pts (A3)" ] || fail "the printed pages are not all A3 portrait: $sizes"
pdftotext out/job.pdf - | tr -d ' \n' | grep -q "$title" || fail "the printed PDF is not the sheet"
echo
echo "通过 PASSED: $job on $queue: media A3, $pages A3 pages, the sheet's title"
