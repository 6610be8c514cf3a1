#!/usr/bin/env bash
# The county demo: a county hub, one township and two villages, each with its own home
# folder, run with the real programs on this machine. Deterministic data (the sample files
# in tests/node/fixtures/); a clean exit; nothing left running.
#
#   bash installer/county_demo.sh [BUILD_DIR] [DEMO_DIR]
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$here/.." && pwd)
build=$(cd "${1:-$top/build}" && pwd)
demo=${2:-$build/county-demo}
G="$build/node/gongkai"
H="$build/hub/gongkai-hub"
fixtures="$top/tests/node/fixtures"

step() { printf '\n== %s\n' "$*"; }
json_field() { python3 -c "import json,sys; print(json.load(sys.stdin)$1)"; }

rm -rf "$demo"
mkdir -p "$demo"
cd "$demo"
printf '嘉陵区根密钥-演示口令\n' > pass.txt
chmod 600 pass.txt

step "县：建立汇聚节点（县根密钥口令加密）"
"$H" init --home hub --county 511304 --name 嘉陵区 --passphrase-file pass.txt --fast-kdf

step "县：生成汇聚服务的 TLS 证书（自签名；各节点登记时记下它的指纹）"
"$H" tls init --home hub
fingerprint=$("$H" tls fingerprint --home hub --json | json_field "['fingerprint']")

step "县：启动汇聚服务（HTTPS，127.0.0.1，端口由系统分配；接受在线登记）"
"$H" serve --home hub --listen 127.0.0.1:0 --tls-cert hub/tls.crt --tls-key hub/tls.key \
  --enrol --passphrase-file pass.txt > serve.out 2> serve.log &
server=$!
trap 'kill -TERM $server 2>/dev/null; wait $server 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do grep -q "listening on" serve.out 2>/dev/null && break; sleep 0.1; done
hub_url="https://$(sed -n 's/^listening on //p' serve.out)"
echo "汇聚服务：$hub_url（日志 serve.log）"

step "乡镇和金凤村：生成密钥和登记申请；县签发证书；各自导入证书（离线登记）"
enrol() {  # home region name role [init options]
  local home=$1 region=$2 name=$3 role=$4
  shift 4
  "$G" init --home "$home" --region "$region" --name "$name" --request-out "$home.request" >/dev/null
  "$H" enroll --home hub --request "$home.request" --role "$role" --out "$home.cert" \
    --passphrase-file pass.txt
  "$G" init --home "$home" --certificate "$home.cert" "$@" >/dev/null
}
# The township has a link to the county: it keeps the hub's address and certificate pin.
enrol township 511304100 龙蟠镇 township --hub "$hub_url" --hub-fingerprint "$fingerprint"
# 金凤村 has no link and uses the USB stick.
enrol jinfeng 511304100202 金凤村 village

step "石庙村：县里开出一次性登记码（附二维码），石庙村在线登记"
token=$("$H" enroll --home hub --region 511304100201 --name 石庙村 --role village \
  --hub-url "$hub_url" --qr 石庙村-登记码.png --json | json_field "['token']")
echo "登记码：$token（二维码 石庙村-登记码.png，72 小时内有效，只能用一次）"
"$G" init --home shimiao --hub "$hub_url" --hub-fingerprint "$fingerprint" --token "$token" \
  --region 511304100201 --name 石庙村
"$G" config set --home shimiao phone.village 0817-2000201 >/dev/null
"$G" config set --home jinfeng phone.village 0817-2000202 >/dev/null
for h in shimiao jinfeng township; do
  "$G" config set --home "$h" phone.township 0817-2000100 >/dev/null
  "$G" config set --home "$h" phone.county 0817-2000000 >/dev/null
done
sync() { "$G" sync --home "$1"; }

carry() {  # from to for-region : export a bundle and import it (a USB stick)
  local file="usb/$1-to-$2.gkb"
  mkdir -p usb
  if [ "$1" = hub ]; then "$H" bundle export --home hub --out "$file" ${3:+--for "$3"} >/dev/null
  else "$G" bundle export --home "$1" --out "$file" ${3:+--for "$3"} >/dev/null; fi
  if [ "$2" = hub ]; then "$H" bundle import --home hub "$file"
  else "$G" bundle import --home "$2" "$file"; fi
}

step "乡镇和石庙村同步；金凤村不通网，由乡镇用 U 盘带去"
sync township
sync shimiao
carry township jinfeng 511304100202

step "石庙村：导入惠农补贴名册（GB18030 CSV），提交，村务监督委员会审核"
subsidy=$("$G" new --home shimiao --category subsidy --title 2024年耕地地力保护补贴发放公示 --period 2024 \
  --import "$fixtures/subsidy_gb18030.csv" --json | json_field "['id']")
"$G" submit --home shimiao "$subsidy" --by 王文书
"$G" review --home shimiao "$subsidy" --approve --comment 经核对无误 --by 村监委会李主任

step "金凤村（不通网）：导入三季度财务收支表（XLSX），提交，民主理财小组审核"
finance=$("$G" new --home jinfeng --category finance --title 2024年第三季度村级财务收支公开 --period 2024Q3 \
  --import "$fixtures/finance_2024q3.xlsx" --json | json_field "['id']")
"$G" submit --home jinfeng "$finance" --by 赵会计
"$G" review --home jinfeng "$finance" --approve --comment 收支凭证齐全 --by 民主理财小组陈组长

step "石庙村同步上报；金凤村的数据用 U 盘带到乡镇，乡镇同步时转报县里"
sync shimiao
carry jinfeng township 511304100
sync township

step "乡镇：退回石庙村的补贴名册（附意见），通过金凤村的财务公开"
"$G" review --home township "$subsidy" --return --comment "第3户面积与二轮承包台账不符，请核实" --by 镇农经站张站长
"$G" review --home township "$finance" --approve --comment 同意公开 --by 镇农经站张站长

step "同步后石庙村收到退回意见，更正后重新提交；乡镇审核通过"
sync township
sync shimiao
"$G" show --home shimiao "$subsidy" | sed -n '1,9p'
"$G" edit --home shimiao "$subsidy" --body "经核实，第3户面积以二轮承包台账为准，已更正。"
"$G" submit --home shimiao "$subsidy" --by 王文书
sync shimiao
sync township
"$G" review --home township "$subsidy" --approve --comment 同意公示 --by 镇农经站张站长

step "各方同步：审核结果回到石庙村；金凤村的结果由乡镇用 U 盘带回"
sync township
sync shimiao
carry township jinfeng 511304100202

step "打印公开栏 A3 公示单"
mkdir -p sheets
"$G" print --home shimiao "$subsidy" --out sheets/石庙村-补贴公示.pdf --by 王文书
"$G" print --home jinfeng "$finance" --out sheets/金凤村-财务公开.pdf --by 赵会计
payload=$("$G" print --home shimiao "$subsidy" --out sheets/石庙村-补贴公示-第2份.pdf --json | json_field "['qr_payload']")
step "核对公示单二维码：$payload"
"$G" verify-sheet --home township "$payload"

step "张贴记录：石庙村同步；金凤村的用 U 盘带到乡镇，乡镇同步"
sync shimiao
carry jinfeng township 511304100
sync township
sync shimiao

step "核对：每个区划在持有它的各节点上摘要一致"
ok=1
for region in 511304100201 511304100202; do
  case $region in 511304100201) village=shimiao;; *) village=jinfeng;; esac
  a=$("$G" digest --home "$village" --region $region --json | json_field "['digest']")
  b=$("$G" digest --home township --region $region --json | json_field "['digest']")
  c=$("$H" digest --home hub --region $region --json | json_field "['digest']")
  printf '%s  %s: 村 %s  乡镇 %s  县 %s\n' "$([ "$a" = "$b" ] && [ "$b" = "$c" ] && echo 一致 || echo 不一致)" \
    $region "${a:0:16}" "${b:0:16}" "${c:0:16}"
  [ "$a" = "$b" ] && [ "$b" = "$c" ] || ok=0
done
"$H" nodes --home hub
echo "汇聚服务共处理 $(grep -c . serve.log) 个请求（serve.log）。"

step "县：核验审计日志（只凭存下的数据包重算签名、链、默克尔树和检查点，并重建县级数据比对）"
mkdir -p proofs
sqlite3 hub/replica.db ".backup proofs/县级数据库副本.db"  # a consistent copy while the hub serves
"$H" audit verify --db proofs/县级数据库副本.db 2>/dev/null

step "县：开具石庙村补贴名册已收入县级日志的证明；石庙村离线核对"
# The envelope that brought the approved version of the list.
envelope=$("$H" audit history --home hub --disclosure "$subsidy" --json | python3 -c "
import json, sys
events = json.load(sys.stdin)
print([e for e in events if e['kind'] == 'version'][-1]['envelope_id'])")
"$H" audit proof --home hub --envelope "$envelope" --out proofs/石庙村-补贴名册.proof
"$G" verify-proof --home shimiao proofs/石庙村-补贴名册.proof

step "县：全年报表和告警"
"$H" audit report --home hub --year "$(date +%Y)"
"$H" audit alarms --home hub 2>/dev/null

step "完成"
cat <<EOT
演示目录：$demo
  hub/        县级汇聚节点（root.key 县根密钥，replica.db 县级数据库与审计日志，tls.crt 证书）
  石庙村-登记码.png  县里给石庙村的一次性在线登记码
  township/   龙蟠镇；shimiao/ 石庙村；jinfeng/ 金凤村（各自 replica.db 和 node.key）
  usb/        各节点之间用 U 盘交换的数据包（金凤村不通网）
  serve.log   汇聚服务的请求日志
  sheets/     打印的 A3 公示单（PDF）
  proofs/     审计用的县级数据库副本和给石庙村的收录证明
EOT
[ "$ok" = 1 ]
