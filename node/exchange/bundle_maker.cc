#include "node/exchange/bundle_maker.h"

#include <optional>
#include <string>

#include "node/replica/apply.h"
#include "node/exchange/exchange.h"
#include "node/replica/trust.h"
#include "protocol/envelope.h"
#include "protocol/inspect.h"
#include "protocol/schema.h"
#include "protocol/sqlite_handles.h"

namespace gongkai {

namespace {

std::string Text(sqlite3_value* v) {
  if (v == nullptr || sqlite3_value_type(v) != SQLITE_TEXT) return {};
  return std::string(reinterpret_cast<const char*>(sqlite3_value_text(v)),
                     static_cast<size_t>(sqlite3_value_bytes(v)));
}

Bytes Blob(sqlite3_value* v) {
  if (v == nullptr || sqlite3_value_type(v) != SQLITE_BLOB) return {};
  const auto* data = static_cast<const uint8_t*>(sqlite3_value_blob(v));
  return data == nullptr ? Bytes() : Bytes(data, data + sqlite3_value_bytes(v));
}

// The maker's certificate among the certificate rows of `changeset`.
// REQUIRES: the changeset passed InspectChangeset (SQLite's iterator is safe on it).
std::optional<Certificate> CertificateIn(ByteView changeset, const NodeId& maker,
                                         const PublicKey& root) {
  const TableSpec* spec = FindTable("certificate");
  if (spec == nullptr) return std::nullopt;
  const int node_id_column = spec->ColumnIndex("node_id");
  const int body_column = spec->ColumnIndex("body");
  sqlite3_changeset_iter* raw = nullptr;
  const int rc = sqlite3changeset_start(&raw, static_cast<int>(changeset.size()),
                                        const_cast<uint8_t*>(changeset.data()));
  ChangesetIter iter(raw);
  if (rc != SQLITE_OK) return std::nullopt;
  const std::string maker_hex = NodeIdHex(maker);
  while (sqlite3changeset_next(iter.get()) == SQLITE_ROW) {
    const char* table = nullptr;
    int columns = 0, op = 0, indirect = 0;
    if (sqlite3changeset_op(iter.get(), &table, &columns, &op, &indirect) != SQLITE_OK) break;
    if (op != SQLITE_INSERT || std::string_view(table) != spec->name) continue;
    sqlite3_value* node_id = nullptr;
    sqlite3_value* body = nullptr;
    if (sqlite3changeset_new(iter.get(), node_id_column, &node_id) != SQLITE_OK ||
        Text(node_id) != maker_hex ||
        sqlite3changeset_new(iter.get(), body_column, &body) != SQLITE_OK) {
      continue;
    }
    auto cert = OpenCertificate(Blob(body), root);
    if (cert.ok() && cert->subject_id() == maker) return std::move(*cert);
  }
  return std::nullopt;
}

// A certificate of `maker` carried by an envelope of `spool` that this replica can verify
// now. Envelopes that cannot be verified are passed over: they are judged when applied.
Result<std::optional<Certificate>> CertificateFromBundle(const Replica& replica,
                                                         const BundleSpool& spool,
                                                         const NodeId& maker,
                                                         const PublicKey& root) {
  sqlite3* db = replica.db();
  for (size_t i = 0; i < spool.size(); ++i) {
    GK_ASSIGN_OR_RETURN(Bytes bytes, spool.Envelope(i));
    auto envelope = DecodeEnvelope(std::move(bytes));
    if (!envelope.ok()) continue;
    // Only a county writes certificate rows; anyone else's envelopes are not opened.
    auto signer = FindSignerCertificate(db, envelope->origin(), root);
    if (!signer.ok()) {
      if (signer.status().code() != kErrApplyUnknownSigner) return signer.status();
      continue;
    }
    if (signer->role != Role::kCounty) continue;
    GK_ASSIGN_OR_RETURN(bool revoked, IsRevoked(db, envelope->origin()));
    if (revoked || !VerifyEnvelopeSignature(*envelope, signer->subject_key).ok()) continue;
    auto changeset = OpenPayload(*envelope);
    if (!changeset.ok()) continue;
    Signer who{NodeIdHex(signer->subject_id()), signer->role, signer->region};
    if (!InspectChangeset(*changeset, who, envelope->region(), nullptr).ok()) continue;
    if (auto cert = CertificateIn(*changeset, maker, root)) {
      return std::optional<Certificate>(std::move(*cert));
    }
  }
  return std::optional<Certificate>();
}

}  // namespace

Result<Certificate> TrustBundleMaker(const Replica& replica, const BundleSpool& spool) {
  GK_ASSIGN_OR_RETURN(PublicKey root, replica.RootPublicKey());
  const NodeId maker = spool.header().maker();
  const std::string who = "制作者 " + NodeIdHex(maker);
  std::optional<Certificate> cert;
  auto held = FindSignerCertificate(replica.db(), maker, root);
  if (held.ok()) {
    cert = std::move(*held);
  } else if (held.status().code() == kErrApplyUnknownSigner) {
    GK_ASSIGN_OR_RETURN(cert, CertificateFromBundle(replica, spool, maker, root));
  } else {
    return held.status();
  }
  // The certificate the bundle's header carries (protocol/bundle.h): the root's signature
  // is all it needs.
  if (!cert && !spool.header().maker_certificate.empty()) {
    auto carried = OpenCertificate(spool.header().maker_certificate, root);
    if (carried.ok() && carried->subject_id() == maker) cert = std::move(*carried);
  }
  if (!cert) {
    return Status::Denied(kErrExchangeUnknownMaker,
                          who +
                              " 不是本县已登记的节点 (本机和数据包中都没有其可验证的证书);"
                              " 整个数据包未导入");
  }
  if (cert->subject_key != spool.header().maker_key) {
    return Status::Denied(kErrExchangeUnknownMaker, who + " 的公钥与其证书不符; 整个数据包未导入");
  }
  GK_ASSIGN_OR_RETURN(bool revoked, IsRevoked(replica.db(), maker));
  if (revoked) {
    return Status::Denied(kErrExchangeMakerRevoked, who + " 的证书已被吊销; 整个数据包未导入");
  }
  return std::move(*cert);
}

}  // namespace gongkai
