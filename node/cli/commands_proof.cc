// gongkai verify-proof
#include <iostream>

#include "node/app/node_session.h"
#include "node/cli/commands.h"
#include "node/exchange/proof_check.h"
#include "node/json/json_text.h"
#include "protocol/file_io.h"

namespace gongkai {

namespace {

std::string Summary(const ProofCheck& check) {
  const std::string id = HexEncode(check.proof.envelope_id);
  std::string text = "证明有效：信封 " + id + " 是县汇聚节点审计日志（" + check.origin + "）第 " +
                     std::to_string(check.proof.index) + " 条（从 0 数起）；该日志大小为 " +
                     std::to_string(check.proof.tree_size) +
                     " 的检查点由县汇聚节点签名。\n这证明汇聚节点已把这个信封不可更改地记入日志：日"
                     "后任何延续此检查点的日志都必须含有它。\n";
  text += check.in_journal ? "本机副本中有这个信封"
                           : "本机副本中没有这个信封（它可能属于本机读取范围以外的地区）";
  if (check.has_receipt) text += "，本机也保存着汇聚节点为它签发的回执";
  text += "。\n";
  if (check.contradicts_stored) {
    text += "警告：本机上次同步时保存的检查点大小相同（" + std::to_string(check.stored_size) +
            "）而根哈希不同：汇聚节点出示过两份不同的日志，请报告县政务公开办。\n";
  }
  return text;
}

int PrintProofCheck(const Args& args, const ProofCheck& found) {
  const ProofCheck* check = &found;
  if (args.json()) {
    JsonObject o;
    o.SetRaw("valid", "true");
    o.Set("envelope_id", HexEncode(check->proof.envelope_id));
    o.Set("index", static_cast<int64_t>(check->proof.index));
    o.Set("tree_size", static_cast<int64_t>(check->proof.tree_size));
    o.Set("origin", check->origin);
    o.Set("root", HexEncode(check->checkpoint.root));
    o.SetRaw("in_replica", check->in_journal ? "true" : "false");
    o.SetRaw("has_receipt", check->has_receipt ? "true" : "false");
    o.SetRaw("contradicts_stored_checkpoint", check->contradicts_stored ? "true" : "false");
    std::cout << o.ToString() << "\n";
  } else {
    std::cout << Summary(*check);
  }
  return check->contradicts_stored ? kExitFailed : kExitOk;
}

int RunVerifyProof(const Args& args) {
  return RunNodeAction(
      args, false,
      [&](NodeSession& session, std::vector<ImportError>*) -> Result<ProofCheck> {
        GK_ASSIGN_OR_RETURN(Bytes file, ReadFileLimited(args.positional()[0], kMaxProofFileSize));
        return CheckProofFile(*session.replica, AsChars(file));
      },
      [&](const ProofCheck& found) { return PrintProofCheck(args, found); });
}

}  // namespace

std::vector<CommandSpec> ProofCommands() {
  std::vector<CommandSpec> commands;
  CommandSpec spec{"verify-proof", "FILE", "离线核对县汇聚节点出具的收录证明文件"};
  spec.min_args = spec.max_args = 1;
  spec.details =
      "用本机已信任的县汇聚节点密钥（登记时得到的县证书）核对证明文件中的检查点签名和默克尔路径，"
      "并说明本机副本中是否有该信封。不需要网络。退出码 0 表示证明有效。";
  spec.run = RunVerifyProof;
  commands.push_back(spec);
  return commands;
}

}  // namespace gongkai
