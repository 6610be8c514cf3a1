// The disclosure actions a person takes, one function each, for the `gongkai` commands and
// the local web pages alike. Each takes the open node session and plain inputs, and returns
// a plain result or a Status; none prints or renders anything. The rules themselves live in
// node/workflow/; these functions add what every caller would otherwise repeat: resolving
// the id a person typed (a prefix of at least kMinIdPrefix hex digits), choosing the actor,
// and loading what a page or a command shows.
//
// Errors: those of OpenNodeSession's callers' workflow functions (workflow.*, import.*),
// and replica.* when the replica cannot be read. A write action needs a session opened with
// need_key (replica.key otherwise: "this session holds no key").
// Thread-safety: one call at a time per NodeSession.
#ifndef GONGKAI_NODE_APP_DISCLOSURE_ACTIONS_H_
#define GONGKAI_NODE_APP_DISCLOSURE_ACTIONS_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "node/app/node_session.h"
#include "node/intake/import_error.h"
#include "node/workflow/disclosure_view.h"
#include "node/workflow/workflow.h"
#include "protocol/status.h"

namespace gongkai {

// What a write to the synced tables produced, with the full id of its disclosure.
struct DisclosureWrite {
  std::string disclosure_id;
  WriteResult write;
};

// 新建公开事项: a new local draft. An import that fails fills *errors (may be null) with
// every error of the file and writes nothing. REQUIRES: input.category is set.
Result<Draft> NewDisclosure(NodeSession& session, const DraftInput& input,
                            std::vector<ImportError>* errors = nullptr);

// 保存草稿: changes the draft of the disclosure `id` names (or starts one from its current
// version). Errors and *errors as NewDisclosure.
Result<Draft> EditDisclosure(NodeSession& session, std::string_view id, const DraftInput& input,
                             std::vector<ImportError>* errors = nullptr);

// Deletes the local draft; returns the disclosure's full id. Nothing synced is touched.
Result<std::string> DiscardDisclosureDraft(NodeSession& session, std::string_view id);

// 提交: the draft becomes an immutable version, waiting for review. `by` as ActorFor.
Result<DisclosureWrite> SubmitDisclosure(NodeSession& session, std::string_view id,
                                         const std::optional<std::string>& by);

// 审核通过 / 退回 (a return needs a comment): the review of this node's stage.
Result<DisclosureWrite> ReviewDisclosure(NodeSession& session, std::string_view id,
                                         Decision decision, std::string_view comment,
                                         const std::optional<std::string>& by);

// 撤回, with a reason.
Result<DisclosureWrite> WithdrawDisclosure(NodeSession& session, std::string_view id,
                                           std::string_view reason,
                                           const std::optional<std::string>& by);

// The disclosures held, as ListDisclosures (node/workflow/disclosure_view.h).
Result<std::vector<DisclosureState>> FindDisclosures(NodeSession& session,
                                                     const ListFilter& filter);

// One disclosure with the rows a person sees: those of its current version, or of its draft
// when nothing was submitted yet.
struct DisclosureDetail {
  DisclosureState state;
  std::vector<std::string> items;  // each a JSON object text (node/README.md "Disclosures")
};

// workflow.not_found when `id` names no disclosure.
Result<DisclosureDetail> ShowDisclosure(NodeSession& session, std::string_view id);

}  // namespace gongkai

#endif  // GONGKAI_NODE_APP_DISCLOSURE_ACTIONS_H_
