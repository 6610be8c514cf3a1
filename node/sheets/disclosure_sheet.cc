#include "node/sheets/disclosure_sheet.h"

#include <vector>

#include "node/intake/sheet_dates.h"
#include "node/sheets/sheet_items.h"
#include "node/replica/sql.h"
#include "protocol/utf8.h"

namespace gongkai {

namespace {

Result<std::string> ReadPhone(const Replica& replica, std::string_view key) {
  GK_ASSIGN_OR_RETURN(std::optional<Bytes> value, replica.GetSetting(key));
  if (!value || value->empty()) return std::string(kBlankToFill);
  std::string text(value->begin(), value->end());
  if (text.size() > kMaxPhoneBytes || !IsValidUtf8(text)) {
    return Status::Invalid(kErrSheetPhone, "设置 " + std::string(key) + " 应为不超过 " +
                                               std::to_string(kMaxPhoneBytes) +
                                               " 字节的 UTF-8 文字");
  }
  return text;
}

std::string DecisionText(const ReviewFact& review) {
  std::string text = review.decision == "approve" ? "同意" : "退回";
  if (!review.comment.empty()) text += "：" + review.comment;
  return text;
}

// A finance opinion: the decision, then who and when.
std::string OpinionText(const ReviewFact* review) {
  if (review == nullptr) return "";
  return DecisionText(*review) + "（" + review->reviewer + "，" +
         ChineseDate(BeijingDate(review->hlc)) + "）";
}

// The unit that publishes: the village, else the township, else the county.
const std::string& UnitName(const SheetPlaces& places) {
  if (!places.village.empty()) return places.village;
  if (!places.township.empty()) return places.township;
  return places.county;
}

struct Common {
  SheetContext context;
  std::string notice_from;
  std::string notice_to;
};

Result<Common> MakeCommon(const Replica& replica, const SheetVersionFacts& facts,
                          const SheetPlaces& places, const std::string& payload) {
  Common common;
  SheetContext& context = common.context;
  context.county = places.county;
  context.township = places.township;
  context.village = places.village;
  auto from = ChineseDateFromIso(facts.version.publicity_from);
  if (!from.ok()) return from.status().WithContext("公示期起");
  auto to = ChineseDateFromIso(facts.version.publicity_to);
  if (!to.ok()) return to.status().WithContext("公示期止");
  common.notice_from = *from;
  common.notice_to = *to;
  context.published_on = *from;
  GK_ASSIGN_OR_RETURN(context.phone_village, ReadPhone(replica, kSettingPhoneVillage));
  GK_ASSIGN_OR_RETURN(context.phone_township, ReadPhone(replica, kSettingPhoneTownship));
  GK_ASSIGN_OR_RETURN(context.phone_county, ReadPhone(replica, kSettingPhoneCounty));
  for (const ReviewFact& review : facts.version.reviews) {
    context.review_chain.push_back(SheetReviewStep(review, facts.SignerName(review.origin)));
  }
  context.qr_payload = payload;
  context.approved = facts.version.status == DisclosureStatus::kApproved;
  return common;
}

Result<AffairsNotice> AffairsInput(const SheetVersionFacts& facts, Common common,
                                   const std::vector<std::string>& items) {
  GK_ASSIGN_OR_RETURN(AffairsBody body, ParseAffairsBody(facts.version.body));
  if (body.headers.empty() && !items.empty()) {
    return Status::Invalid(kErrSheetItemValue,
                           "正文没有表头，却有 " + std::to_string(items.size()) + " 行表格");
  }
  AffairsNotice notice;
  notice.context = std::move(common.context);
  notice.title = facts.version.title;
  notice.paragraphs = SplitParagraphs(body.text);
  GK_ASSIGN_OR_RETURN(notice.table_rows, ParseAffairsItems(items, body.headers.size()));
  notice.table_headers = std::move(body.headers);
  notice.attachments = std::move(body.attachments);
  notice.notice_from = std::move(common.notice_from);
  notice.notice_to = std::move(common.notice_to);
  return notice;
}

Result<FinanceNotice> FinanceInput(const SheetVersionFacts& facts, Common common,
                                   const std::vector<std::string>& items, std::string* text) {
  GK_ASSIGN_OR_RETURN(FinanceBody body, ParseFinanceBody(facts.version.body));
  FinanceNotice notice;
  notice.context = std::move(common.context);
  GK_ASSIGN_OR_RETURN(notice.period, ChinesePeriod(facts.version.period));
  notice.notice_from = std::move(common.notice_from);
  notice.notice_to = std::move(common.notice_to);
  notice.opening_balance_cents = body.opening_cents;
  GK_ASSIGN_OR_RETURN(notice.entries, ParseFinanceItems(items));
  int64_t closing = body.opening_cents;  // |opening| and each total <= 10^15: no overflow
  for (const FinanceEntry& e : notice.entries) closing += e.income_cents - e.expense_cents;
  if (closing != body.closing_cents) {
    return Status::Invalid(kErrSheetBalance, "期末余额 " + FormatScaled(body.closing_cents, 2) +
                                                 " 元不等于期初余额加收入减支出 " +
                                                 FormatScaled(closing, 2) + " 元");
  }
  notice.supervision_opinion = OpinionText(facts.version.LatestReview("supervision"));
  notice.township_review = OpinionText(facts.version.LatestReview("township"));
  *text = std::move(body.text);
  return notice;
}

Result<SubsidyNotice> SubsidyInput(const SheetVersionFacts& facts, Common common,
                                   const std::vector<std::string>& items, std::string* text) {
  GK_ASSIGN_OR_RETURN(SubsidyBody body, ParseSubsidyBody(facts.version.body));
  GK_RETURN_IF_ERROR(ChinesePeriod(facts.version.period).status());
  SubsidyNotice notice;
  notice.context = std::move(common.context);
  notice.year = facts.version.period.substr(0, 4);
  notice.subsidy_name = std::move(body.subsidy_name);
  notice.notice_from = std::move(common.notice_from);
  notice.notice_to = std::move(common.notice_to);
  notice.filled_by = facts.version.author;
  GK_ASSIGN_OR_RETURN(SubsidyItems parsed, ParseSubsidyItems(items));
  notice.entries = std::move(parsed.entries);
  notice.area_decimals = parsed.area_decimals;
  *text = std::move(body.text);
  return notice;
}

}  // namespace

ReviewStep SheetReviewStep(const ReviewFact& review, std::string_view signer_name) {
  ReviewStep step;
  step.stage = review.stage == "supervision" ? "村务监督委员会审核" : "乡镇审核";
  step.who = review.reviewer;
  if (!signer_name.empty()) step.who += "（" + std::string(signer_name) + "）";
  step.decision = DecisionText(review);
  step.when = BeijingDateTimeText(review.hlc);
  return step;
}

Result<DisclosureSheet> BuildSheetForVersion(const Replica& replica, std::string_view version_id,
                                             const DisclosureSheetOptions& options) {
  sqlite3* db = replica.db();
  GK_ASSIGN_OR_RETURN(std::string full_id, ResolveVersionId(db, version_id));
  DisclosureSheet out;
  GK_ASSIGN_OR_RETURN(out.facts, ReadSheetVersionFacts(db, full_id));
  const VersionFact& version = out.facts.version;
  GK_ASSIGN_OR_RETURN(out.payload, MakeSheetPayload(out.facts.disclosure_id, version.version_id,
                                                    version.content_hash, options.hub_log_index));
  GK_ASSIGN_OR_RETURN(SheetPlaces places, ReadSheetPlaces(db, version.region, options.places));
  GK_ASSIGN_OR_RETURN(std::vector<std::string> items, ReadVersionItems(db, version));
  GK_RETURN_IF_ERROR(CheckVersionContent(out.facts, items));
  GK_ASSIGN_OR_RETURN(Common common,
                      MakeCommon(replica, out.facts, places, FormatSheetPayload(out.payload)));

  const std::string& unit = UnitName(places);
  const bool village_level = !places.village.empty();
  std::string text;  // a finance or subsidy body's text, printed above the table
  if (version.category == "affairs") {
    GK_ASSIGN_OR_RETURN(AffairsNotice notice, AffairsInput(out.facts, std::move(common), items));
    out.sheet = MakeAffairsSheet(notice);
    out.input = std::move(notice);
  } else if (version.category == "finance") {
    GK_ASSIGN_OR_RETURN(FinanceNotice notice,
                        FinanceInput(out.facts, std::move(common), items, &text));
    out.sheet = MakeFinanceSheet(notice);
    if (!village_level) out.sheet.title = unit + notice.period + "财务收支公开表";
    out.input = std::move(notice);
  } else if (version.category == "subsidy") {
    GK_ASSIGN_OR_RETURN(SubsidyNotice notice,
                        SubsidyInput(out.facts, std::move(common), items, &text));
    out.sheet = MakeSubsidySheet(notice, options.mask);
    if (!village_level) {
      out.sheet.title = unit + notice.year + "年" + notice.subsidy_name + "发放公示";
    }
    out.input = std::move(notice);
  } else {
    return Status::Invalid(kErrSheetRow, "版本类别“" + version.category.substr(0, 16) + "”未知");
  }
  if (!village_level) out.sheet.seal_label = unit + "（公章）";
  if (!text.empty()) out.sheet.paragraphs = SplitParagraphs(text);
  out.sheet.header_fields.push_back(
      {"审核状态", std::string(StatusLabel(out.facts.version.status))});
  GK_RETURN_IF_ERROR(ValidateSheet(out.sheet));
  return out;
}

}  // namespace gongkai
