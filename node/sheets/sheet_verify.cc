#include "node/sheets/sheet_verify.h"

#include "node/intake/sheet_dates.h"
#include "node/sheets/sheet_log_index.h"
#include "node/workflow/workflow.h"

namespace gongkai {

namespace {

std::string_view CategoryText(std::string_view category) {
  auto parsed = ParseCategory(category);
  return parsed.ok() ? CategoryLabel(*parsed) : "公开";
}

// Enough of an id for a person to find it again (ids may be typed as a prefix).
std::string ShortId(std::string_view id) { return std::string(id.substr(0, 8)); }

std::string ReviewerText(const ReviewFact& review, const SheetVersionFacts& facts) {
  std::string text = review.reviewer;
  const std::string signer = facts.SignerName(review.origin);
  if (!signer.empty()) text += "，" + signer;
  return text;
}

}  // namespace

std::string_view SheetVerification::code() const {
  switch (status) {
    case DisclosureStatus::kApproved:
      return kSheetVerifyApproved;
    case DisclosureStatus::kReturned:
      return kSheetVerifyReturned;
    case DisclosureStatus::kSuperseded:
      return kSheetVerifySuperseded;
    case DisclosureStatus::kWithdrawn:
      return kSheetVerifyWithdrawn;
    case DisclosureStatus::kSubmitted:
    case DisclosureStatus::kDraft:  // a version is never a draft
      break;
  }
  return kSheetVerifySubmitted;
}

std::string SheetVerification::Summary() const {
  const VersionFact& v = facts.version;
  std::string text = "此页是" + places.county + places.township + places.village + "（区划 " +
                     v.region + "）的" + std::string(CategoryText(v.category)) + "「" + v.title +
                     "」，版本 " + ShortId(v.version_id) + "。";
  switch (status) {
    case DisclosureStatus::kApproved:
      text += "核验通过：已于" + BeijingDateTimeText(deciding_review->hlc) + "经乡镇审核同意（" +
              ReviewerText(*deciding_review, facts) + "），可以张贴。";
      break;
    case DisclosureStatus::kReturned:
      text += "此版本已于" + BeijingDateTimeText(deciding_review->hlc) + "被乡镇退回（" +
              ReviewerText(*deciding_review, facts) + "）";
      if (!deciding_review->comment.empty()) text += "，意见：" + deciding_review->comment;
      text += "。不得张贴。";
      break;
    case DisclosureStatus::kSubmitted:
    case DisclosureStatus::kDraft:
      text += "此版本尚未经乡镇审核，不得张贴。";
      break;
    case DisclosureStatus::kSuperseded:
      text += "此版本已被新版本 " + ShortId(facts.superseded_by.front()) +
              " 取代，应撤下此页，张贴审核通过的新版本。";
      break;
    case DisclosureStatus::kWithdrawn:
      text += "此公开事项已于" + BeijingDateTimeText(facts.withdrawal->hlc) + "撤回（" +
              facts.withdrawal->author + "，原因：" + facts.withdrawal->reason + "），应撤下此页。";
      break;
  }
  if (facts.conflict) text += "注意：此公开事项有两个并行的修改版本，待人工处理。";
  if (log_index_checked()) {
    text += "二维码所载县级日志序号 " + std::to_string(*payload.log_index) + " 与本机所存县级回执一致。";
  } else if (payload.log_index) {
    text += "二维码所载县级日志序号 " + std::to_string(*payload.log_index) +
            " 本机没有对应的县级回执，未核对。";
  } else if (receipt_log_index) {
    text += "本机所存县级回执：日志序号 " + std::to_string(*receipt_log_index) + "。";
  }
  return text;
}

Result<SheetVerification> VerifySheetPayload(const Replica& replica,
                                             std::string_view payload_text) {
  SheetVerification out;
  GK_ASSIGN_OR_RETURN(out.payload, ParseSheetPayload(payload_text));
  auto facts = ReadSheetVersionFacts(replica.db(), out.payload.version_id);
  if (!facts.ok()) {
    if (facts.status().code() != kErrWorkflowNotFound) return facts.status();
    return Status::NotFound(kErrSheetVerifyUnknown, "本机没有二维码所指的版本 " +
                                                        out.payload.version_id +
                                                        "：可能尚未同步到本机，也可能此页是伪造的");
  }
  out.facts = std::move(*facts);
  const VersionFact& v = out.facts.version;
  if (out.facts.disclosure_id != out.payload.disclosure_id) {
    return Status::Denied(kErrSheetVerifyDisclosure,
                          "二维码中的公开事项编号与版本 " + ShortId(v.version_id) +
                              " 所属的事项不符：此页的二维码被改动过或是伪造的");
  }
  if (!v.content_hash.starts_with(out.payload.hash16)) {
    return Status::Denied(kErrSheetVerifyHash, "二维码中的内容摘要与本机所存版本 " +
                                                   ShortId(v.version_id) +
                                                   " 不符：此页的二维码被改动过或是伪造的");
  }
  GK_ASSIGN_OR_RETURN(std::vector<std::string> items, ReadVersionItems(replica.db(), v));
  GK_RETURN_IF_ERROR(CheckVersionContent(out.facts, items));
  GK_ASSIGN_OR_RETURN(out.receipt_log_index, VersionLogIndex(replica.db(), v.version_id));
  if (out.payload.log_index && out.receipt_log_index &&
      *out.payload.log_index != *out.receipt_log_index) {
    return Status::Denied(kErrSheetVerifyLogIndex,
                          "二维码中的县级日志序号 " + std::to_string(*out.payload.log_index) +
                              " 与本机所存县级回执的序号 " + std::to_string(*out.receipt_log_index) +
                              " 不符：此页的二维码被改动过或是伪造的");
  }
  out.status = v.status;
  if (const ReviewFact* deciding = out.facts.DecidingReview()) out.deciding_review = *deciding;
  // Names only help a person read the answer; a replica without the certificates still
  // verifies.
  auto places = ReadSheetPlaces(replica.db(), v.region);
  if (places.ok()) {
    out.places = std::move(*places);
  } else if (places.status().code() != kErrSheetPlaceName) {
    return places.status();
  }
  return out;
}

}  // namespace gongkai
