#include "node/app/disclosure_actions.h"

#include "node/workflow/version_diff.h"

namespace gongkai {

namespace {

Status NeedKey(const NodeSession& session) {
  if (session.key == nullptr) {
    return Status::Invalid(kErrWorkflowInput, "本操作需要节点密钥：请以可写方式打开本节点");
  }
  return Status::Ok();
}

Result<DisclosureWrite> Written(std::string disclosure_id, Result<WriteResult> write) {
  if (!write.ok()) return write.status();
  return DisclosureWrite{std::move(disclosure_id), std::move(*write)};
}

}  // namespace

Result<Draft> NewDisclosure(NodeSession& session, const DraftInput& input,
                            std::vector<ImportError>* errors) {
  return CreateDraft(*session.replica, input, WallClockMs(), errors);
}

Result<Draft> EditDisclosure(NodeSession& session, std::string_view id, const DraftInput& input,
                             std::vector<ImportError>* errors) {
  GK_ASSIGN_OR_RETURN(std::string full, ResolveDisclosureId(session.replica->db(), id));
  return EditDraft(*session.replica, full, input, WallClockMs(), errors);
}

Result<std::string> DiscardDisclosureDraft(NodeSession& session, std::string_view id) {
  GK_ASSIGN_OR_RETURN(std::string full, ResolveDisclosureId(session.replica->db(), id));
  GK_RETURN_IF_ERROR(DiscardDraft(*session.replica, full));
  return full;
}

Result<DisclosureWrite> SubmitDisclosure(NodeSession& session, std::string_view id,
                                         const std::optional<std::string>& by) {
  GK_RETURN_IF_ERROR(NeedKey(session));
  GK_ASSIGN_OR_RETURN(std::string full, ResolveDisclosureId(session.replica->db(), id));
  return Written(full, Submit(*session.replica, session.ActorFor(by), full));
}

Result<DisclosureWrite> ReviewDisclosure(NodeSession& session, std::string_view id,
                                         Decision decision, std::string_view comment,
                                         const std::optional<std::string>& by) {
  GK_RETURN_IF_ERROR(NeedKey(session));
  GK_ASSIGN_OR_RETURN(std::string full, ResolveDisclosureId(session.replica->db(), id));
  return Written(full, Review(*session.replica, session.ActorFor(by), full, decision, comment));
}

Result<DisclosureWrite> WithdrawDisclosure(NodeSession& session, std::string_view id,
                                           std::string_view reason,
                                           const std::optional<std::string>& by) {
  GK_RETURN_IF_ERROR(NeedKey(session));
  GK_ASSIGN_OR_RETURN(std::string full, ResolveDisclosureId(session.replica->db(), id));
  return Written(full, Withdraw(*session.replica, session.ActorFor(by), full, reason));
}

Result<std::vector<DisclosureState>> FindDisclosures(NodeSession& session,
                                                     const ListFilter& filter) {
  return ListDisclosures(session.replica->db(), filter);
}

Result<DisclosureDetail> ShowDisclosure(NodeSession& session, std::string_view id) {
  GK_ASSIGN_OR_RETURN(std::string full, ResolveDisclosureId(session.replica->db(), id));
  GK_ASSIGN_OR_RETURN(std::optional<DisclosureState> state,
                      LoadDisclosure(session.replica->db(), full));
  if (!state) return Status::NotFound(kErrWorkflowNotFound, "没有编号为 " + full + " 的公开事项");
  DisclosureDetail detail{std::move(*state), {}};
  if (const VersionFact* current = detail.state.current()) {
    GK_ASSIGN_OR_RETURN(detail.items, VersionItems(session.replica->db(), current->version_id));
  } else if (detail.state.draft) {
    detail.items = detail.state.draft->items;
  }
  return detail;
}

}  // namespace gongkai
