#include "node/app/status_message.h"

#include <string_view>

namespace gongkai {

namespace {

bool HasNonAscii(std::string_view text) {
  for (unsigned char c : text) {
    if (c >= 0x80) return true;
  }
  return false;
}

// Chinese sentences by code, then by area (the part before the dot).
struct Sentence {
  std::string_view code;
  std::string_view text;
};
constexpr Sentence kSentences[] = {
    {"apply.unknown_signer", "签名者不是本县登记的节点"},
    {"apply.revoked", "签名密钥已被吊销"},
    {"apply.row_conflict", "与已有记录冲突（同一编号、内容不同）"},
    {"chain.equivocation", "同一节点的同一序号出现了两个不同的数据包（已记录告警）"},
    {"chain.broken_link", "数据包链条断裂（已记录告警）"},
    {"replica.schema_version", "数据库版本与本程序不符，请升级程序"},
    {"replica.not_enrolled", "本节点尚未完成登记，请先运行 gongkai init"},
    {"replica.open", "无法打开数据库"},
    {"bundle.signature", "数据包签名无效：文件被改动或不完整"},
    {"bundle.truncated", "数据包不完整（可能拷贝中断）"},
    {"bundle.magic", "这不是 gongkai 数据包文件"},
    {"keyfile.passphrase", "口令不正确"},
    {"sql.busy", "数据库正被其他程序使用，请稍后再试"},
    {"sql.io", "读写磁盘失败（磁盘可能损坏）"},
    {"sql.disk_full", "磁盘已满，没有写入：请删除不用的文件腾出空间后再试，已保存的数据都还在"},
    {"sql.corrupt", "数据库文件已损坏"},
};
constexpr Sentence kAreas[] = {
    {"envelope", "数据包格式无效"}, {"inspect", "数据包内容不合规则"}, {"schema", "数据不合规则"},
    {"cert", "证书无效"},           {"region", "区划代码无效"},        {"bundle", "数据包文件无效"},
    {"import", "导入失败"},         {"json", "数据格式无效"},          {"zstd", "数据解压失败"},
    {"capture", "写入失败"},        {"apply", "接收数据失败"},         {"io", "读写文件失败"},
    {"file", "读写文件失败"},       {"sql", "数据库操作失败"},         {"keyfile", "密钥文件无效"},
    {"hlc", "时钟数据无效"},
};

}  // namespace

std::string ChineseMessage(const Status& status) {
  const std::string& code = status.code();
  const std::string& message = status.message();
  if (HasNonAscii(message)) return message;
  for (const Sentence& s : kSentences) {
    if (s.code == code) return std::string(s.text) + "（" + message + "）";
  }
  const std::string area = code.substr(0, code.find('.'));
  for (const Sentence& s : kAreas) {
    if (s.code == area) return std::string(s.text) + "（" + message + "）";
  }
  return "操作失败（" + message + "）";
}

}  // namespace gongkai
