#include "node/app/backup_actions.h"

#include <sqlite3.h>
#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <system_error>
#include <thread>

#include "node/exchange/enrolment.h"
#include "node/json/json_text.h"
#include "node/json/json_value.h"
#include "node/replica/home.h"
#include "node/replica/node_key.h"
#include "node/replica/replica.h"
#include "node/replica/sql.h"
#include "protocol/certificate_file.h"
#include "protocol/file_io.h"

namespace gongkai {

namespace fs = std::filesystem;

namespace {

constexpr int kPagesPerStep = 256;
constexpr size_t kMaxManifestSize = 1 << 20;

// Files of a home that are not copied as files: the database is copied through SQLite, and
// its WAL and shared-memory files belong to the running connections.
bool SkippedFile(const std::string& name) {
  const std::string db = kReplicaFileName;
  return name == db || name == db + "-wal" || name == db + "-shm" || name == db + "-journal";
}

Status HomeMissing(const std::string& what) { return Status::NotFound(kErrBackupHome, what); }

// Copies the live database at `source` to `dest` with the online backup API.
Status CopyDatabase(const std::string& source, const std::string& dest,
                    const BackupProgress& progress) {
  sqlite3* raw_src = nullptr;
  int rc = sqlite3_open_v2(source.c_str(), &raw_src, SQLITE_OPEN_READONLY, nullptr);
  SqliteDb src(raw_src);
  if (rc != SQLITE_OK) return SqlStatus(src.get(), rc, "打开数据库 " + source);
  sqlite3_busy_timeout(src.get(), kDefaultBusyTimeoutMs);
  sqlite3* raw_dst = nullptr;
  rc = sqlite3_open_v2(dest.c_str(), &raw_dst, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
  SqliteDb dst(raw_dst);
  if (rc != SQLITE_OK) return SqlStatus(dst.get(), rc, "创建数据库副本 " + dest);
  sqlite3_backup* backup = sqlite3_backup_init(dst.get(), "main", src.get(), "main");
  if (backup == nullptr) return SqlStatus(dst.get(), sqlite3_errcode(dst.get()), "开始复制数据库");
  while (true) {
    rc = sqlite3_backup_step(backup, kPagesPerStep);
    const int total = sqlite3_backup_pagecount(backup);
    const int left = sqlite3_backup_remaining(backup);
    if (progress) {
      progress("复制数据库", static_cast<uint64_t>(total - left), static_cast<uint64_t>(total));
    }
    if (rc == SQLITE_DONE) break;
    if (rc == SQLITE_OK) continue;
    if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      continue;
    }
    sqlite3_backup_finish(backup);
    return SqlStatus(dst.get(), rc, "复制数据库");
  }
  rc = sqlite3_backup_finish(backup);
  if (rc != SQLITE_OK) return SqlStatus(dst.get(), rc, "复制数据库");
  // The copy is one self-contained file: no WAL beside it.
  GK_RETURN_IF_ERROR(ExecSql(dst.get(), "PRAGMA journal_mode=DELETE"));
  return Status::Ok();
}

Result<std::string> SettingString(const Replica& replica, std::string_view key) {
  GK_ASSIGN_OR_RETURN(std::optional<Bytes> value, replica.GetSetting(key));
  if (!value) return std::string();
  return std::string(value->begin(), value->end());
}

Result<BackupSummary> SummarizeCopy(const std::string& copy, BackupKind kind, int64_t now_ms) {
  BackupSummary summary;
  summary.kind = kind;
  summary.made_at_ms = now_ms;
  GK_ASSIGN_OR_RETURN(Replica replica,
                      Replica::Open(copy, ReplicaOptions{false, kDefaultBusyTimeoutMs, {}}));
  GK_ASSIGN_OR_RETURN(summary.node_id, SettingString(replica, kSettingNodeId));
  GK_ASSIGN_OR_RETURN(summary.region, SettingString(replica, kSettingRegion));
  GK_ASSIGN_OR_RETURN(std::optional<int64_t> journal,
                      QueryInt(replica.db(), "SELECT count(*) FROM journal"));
  summary.journal = journal.value_or(0);
  GK_ASSIGN_OR_RETURN(
      std::optional<int64_t> last,
      QueryInt(replica.db(), "SELECT max(seq) FROM journal WHERE origin = ?", summary.node_id));
  summary.own_last_seq = last.value_or(0);
  return summary;
}

std::string ManifestJson(const BackupSummary& summary) {
  JsonObject json;
  json.Set("kind", summary.kind == BackupKind::kHub ? "hub" : "node");
  json.Set("made_at_ms", summary.made_at_ms);
  json.Set("node_id", summary.node_id);
  json.Set("region", summary.region);
  json.Set("journal", summary.journal);
  json.Set("own_last_seq", summary.own_last_seq);
  json.Set("database_bytes", static_cast<int64_t>(summary.database_bytes));
  json.SetRaw("files", JsonStringArray(summary.files));
  return json.ToString();
}

Result<BackupSummary> ParseManifest(ByteView bytes) {
  GK_ASSIGN_OR_RETURN(
      JsonValue json,
      ParseJsonObject(std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size())));
  BackupSummary summary;
  GK_ASSIGN_OR_RETURN(std::string kind, json.StringOr("kind", ""));
  summary.kind = kind == "hub" ? BackupKind::kHub : BackupKind::kNode;
  GK_ASSIGN_OR_RETURN(summary.made_at_ms, json.IntegerOr("made_at_ms", 0));
  GK_ASSIGN_OR_RETURN(summary.node_id, json.StringOr("node_id", ""));
  GK_ASSIGN_OR_RETURN(summary.region, json.StringOr("region", ""));
  GK_ASSIGN_OR_RETURN(summary.journal, json.IntegerOr("journal", 0));
  GK_ASSIGN_OR_RETURN(summary.own_last_seq, json.IntegerOr("own_last_seq", 0));
  GK_ASSIGN_OR_RETURN(int64_t bytes_count, json.IntegerOr("database_bytes", 0));
  summary.database_bytes = static_cast<uint64_t>(std::max<int64_t>(0, bytes_count));
  GK_ASSIGN_OR_RETURN(summary.files, json.StringsOr("files"));
  return summary;
}

std::string TimeStamp(int64_t now_ms) {
  std::time_t t = static_cast<std::time_t>(now_ms / 1000);
  std::tm tm{};
  localtime_r(&t, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y%m%d-%H%M%S", &tm);
  return text;
}

// Removes a folder made here and everything in it; failures are ignored (it is scratch).
void RemoveScratch(const fs::path& path) {
  std::error_code ec;
  fs::remove_all(path, ec);
}

bool HasFiles(const fs::path& home) {
  std::error_code ec;
  if (!fs::exists(home, ec)) return false;
  return fs::directory_iterator(home, ec) != fs::directory_iterator();
}

}  // namespace

Result<BackupSummary> BackupHome(const BackupRequest& request, std::string_view passphrase,
                                 const BackupProgress& progress) {
  const fs::path home(request.home);
  const fs::path database = home / kReplicaFileName;
  std::error_code ec;
  if (!fs::is_regular_file(database, ec)) {
    return HomeMissing("数据目录 " + request.home + " 中没有数据库文件 " + kReplicaFileName);
  }
  for (const std::string& required : request.required_files) {
    if (!fs::is_regular_file(home / required, ec)) {
      return HomeMissing("数据目录 " + request.home + " 中没有 " + required + ", 无法做完整备份");
    }
  }
  const std::string temp = request.out + ".partial";
  const std::string copy = request.out + ".db-copy";
  struct Cleanup {
    std::string a, b;
    ~Cleanup() {
      std::error_code ignored;
      fs::remove(a, ignored);
      fs::remove(b, ignored);
    }
  } cleanup{temp, copy};
  fs::remove(copy, ec);
  GK_RETURN_IF_ERROR(CopyDatabase(database.string(), copy, progress));
  GK_ASSIGN_OR_RETURN(BackupSummary summary, SummarizeCopy(copy, request.kind, request.now_ms));
  summary.database_bytes = fs::file_size(copy, ec);

  std::vector<std::string> others;
  for (const fs::directory_entry& entry : fs::directory_iterator(home, ec)) {
    const std::string name = entry.path().filename().string();
    if (!entry.is_regular_file(ec) || SkippedFile(name)) continue;
    others.push_back(name);
  }
  if (ec)
    return Status::IoError(kErrBackupIo, "无法列出数据目录 " + request.home + ": " + ec.message());
  std::sort(others.begin(), others.end());
  summary.files.push_back(kReplicaFileName);
  for (const std::string& name : others) summary.files.push_back(name);

  GK_ASSIGN_OR_RETURN(BackupWriter writer,
                      BackupWriter::Create(temp, request.kind, passphrase, request.params));
  const std::string manifest = ManifestJson(summary);
  GK_RETURN_IF_ERROR(writer.AddBytes(kBackupManifestName, 0600, AsBytes(manifest)));
  GK_RETURN_IF_ERROR(writer.Add(BackupEntry{kReplicaFileName, 0600, summary.database_bytes}, copy,
                                [&](uint64_t done) {
                                  if (progress) progress("加密写入", done, summary.database_bytes);
                                }));
  for (const std::string& name : others) {
    const fs::path path = home / name;
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) {
      return Status::IoError(kErrBackupIo, "无法读取 " + path.string());
    }
    GK_RETURN_IF_ERROR(writer.Add(BackupEntry{name, static_cast<uint32_t>(st.st_mode & 0777),
                                              static_cast<uint64_t>(st.st_size)},
                                  path.string()));
  }
  GK_RETURN_IF_ERROR(writer.Finish());
  fs::rename(temp, request.out, ec);
  if (ec)
    return Status::IoError(kErrBackupIo, "无法写出备份文件 " + request.out + ": " + ec.message());
  GK_RETURN_IF_ERROR(FlushFolderOf(request.out));
  return summary;
}

Result<BackupSummary> ReadBackupManifest(const std::string& from, std::string_view passphrase) {
  GK_ASSIGN_OR_RETURN(BackupReader reader, BackupReader::Open(from, passphrase));
  GK_ASSIGN_OR_RETURN(std::optional<BackupEntry> first, reader.Next());
  if (!first || first->name != kBackupManifestName) {
    return Status::Invalid(kErrBackupFormat,
                           "备份文件 " + from + " 缺少说明条目 " + kBackupManifestName);
  }
  GK_ASSIGN_OR_RETURN(Bytes manifest, reader.ReadAll(kMaxManifestSize));
  return ParseManifest(manifest);
}

Result<RestoreSummary> RestoreHome(const std::string& from, const std::string& home,
                                   BackupKind expected, std::string_view passphrase, bool replace,
                                   int64_t now_ms, const BackupProgress& progress) {
  const fs::path target = fs::absolute(fs::path(home)).lexically_normal();
  const bool occupied = HasFiles(target);
  if (occupied && !replace) {
    return Status::Conflict(
        kErrBackupHome, "数据目录 " + target.string() +
                            " 已有文件; 若要用备份替换它, 请加 --replace (原有文件会移到旁边保留, "
                            "不会删除)");
  }
  GK_ASSIGN_OR_RETURN(BackupReader reader, BackupReader::Open(from, passphrase));
  if (reader.kind() != expected) {
    return Status::Invalid(
        kErrBackupHome,
        expected == BackupKind::kHub
            ? "这是村或乡镇节点的备份, 不是县级平台的备份; 请用 gongkai restore"
            : "这是县级平台的备份, 不是村或乡镇节点的备份; 请用 gongkai-hub restore");
  }
  GK_ASSIGN_OR_RETURN(std::optional<BackupEntry> first, reader.Next());
  if (!first || first->name != kBackupManifestName) {
    return Status::Invalid(kErrBackupFormat,
                           "备份文件 " + from + " 缺少说明条目 " + kBackupManifestName);
  }
  GK_ASSIGN_OR_RETURN(Bytes manifest_bytes, reader.ReadAll(kMaxManifestSize));
  RestoreSummary summary;
  GK_ASSIGN_OR_RETURN(summary.backup, ParseManifest(manifest_bytes));
  summary.home = target.string();

  const fs::path staging = target.string() + ".restoring-" + TimeStamp(now_ms);
  RemoveScratch(staging);
  std::error_code ec;
  fs::create_directories(staging, ec);
  if (ec)
    return Status::IoError(kErrBackupIo, "无法创建 " + staging.string() + ": " + ec.message());
  fs::permissions(staging, kHomeFolderPerms, ec);
  struct Scratch {
    fs::path path;
    bool keep = false;
    ~Scratch() {
      if (!keep) RemoveScratch(path);
    }
  } scratch{staging};

  bool has_database = false;
  while (true) {
    GK_ASSIGN_OR_RETURN(std::optional<BackupEntry> entry, reader.Next());
    if (!entry) break;
    const fs::path dest = staging / entry->name;
    const uint64_t size = entry->size;
    GK_RETURN_IF_ERROR(reader.ExtractTo(dest.string(), [&](uint64_t done) {
      if (progress) progress("解密还原 " + entry->name, done, size);
    }));
    fs::permissions(dest, static_cast<fs::perms>(entry->mode & 0700), ec);
    if (entry->name == kReplicaFileName) has_database = true;
  }
  if (!has_database) {
    return Status::Invalid(kErrBackupFormat, "备份文件 " + from + " 中没有数据库");
  }
  {
    // Open it as the programs will: a file made by an older release is upgraded here.
    GK_ASSIGN_OR_RETURN(Replica replica,
                        Replica::Open(staging / kReplicaFileName,
                                      ReplicaOptions{false, kDefaultBusyTimeoutMs, {}}));
    GK_ASSIGN_OR_RETURN(std::string check, QuickCheck(replica.db()));
    if (check != "ok") {
      return Status::IoError(kErrSqlCorrupt,
                             "备份中的数据库未通过完整性检查 (" + check + "), 未恢复");
    }
    if (expected == BackupKind::kNode) {
      const std::string made = std::to_string(summary.backup.made_at_ms);
      GK_RETURN_IF_ERROR(replica.PutSetting(kSettingRestoredFrom, AsBytes(made)));
      summary.must_sync = true;
    }
  }
  if (occupied) {
    summary.replaced = target.string() + ".replaced-" + TimeStamp(now_ms);
    fs::rename(target, summary.replaced, ec);
    if (ec) {
      return Status::IoError(kErrBackupIo,
                             "无法把原数据目录移到 " + summary.replaced + ": " + ec.message());
    }
  } else if (fs::exists(target, ec)) {
    fs::remove(target, ec);  // an empty folder
  }
  fs::rename(staging, target, ec);
  if (ec)
    return Status::IoError(kErrBackupIo,
                           "无法放入数据目录 " + target.string() + ": " + ec.message());
  scratch.keep = true;
  GK_RETURN_IF_ERROR(FlushFolderOf(target.string()));
  return summary;
}

namespace {

// The value of each of `keep` that the damaged file at `path` still gives; a read that
// fails leaves that setting out.
std::vector<std::pair<std::string, Bytes>> SalvageSettings(const fs::path& path,
                                                           std::span<const std::string_view> keep) {
  std::vector<std::pair<std::string, Bytes>> found;
  sqlite3* raw = nullptr;
  if (sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    sqlite3_close(raw);
    return found;
  }
  SqliteDb db(raw);
  for (std::string_view key : keep) {
    Result<Statement> stmt =
        Statement::Prepare(db.get(), "SELECT CAST(value AS BLOB) FROM settings WHERE key = ?");
    if (!stmt.ok()) break;
    stmt->Bind(1, key);
    Result<bool> row = stmt->Step();
    if (row.ok() && *row) found.emplace_back(std::string(key), stmt->ColumnBlob(0));
  }
  return found;
}

// Whether the replica at `path` is damaged: it does not open, or fails quick_check.
Result<bool> ReplicaDamaged(const fs::path& path) {
  std::error_code ec;
  if (!fs::exists(path, ec)) return true;
  Result<Replica> replica = Replica::Open(path, ReplicaOptions{false, kDefaultBusyTimeoutMs, {}});
  if (!replica.ok()) {
    if (replica.status().code() == kErrSqlCorrupt) return true;
    return replica.status();
  }
  Result<std::string> check = QuickCheck(replica->db());
  if (!check.ok()) {
    if (check.status().code() == kErrSqlCorrupt) return true;
    return check.status();
  }
  return *check != "ok";
}

}  // namespace

Result<RebuildSummary> RebuildReplica(const fs::path& home, ByteView certificate_file,
                                      std::span<const std::string_view> keep, int64_t now_ms) {
  GK_ASSIGN_OR_RETURN(CertificateFile file, OpenCertificateFile(certificate_file));
  GK_ASSIGN_OR_RETURN(SecretKey key,
                      LoadKeyNamedBy(home, file.node, "没有它无法重建，请联系县政务公开办重新登记",
                                     "请找出本节点登记时的证书文件"));
  const fs::path db = home / kReplicaFileName;
  GK_ASSIGN_OR_RETURN(bool damaged, ReplicaDamaged(db));
  if (!damaged) {
    return Status::Conflict(kErrRebuildNotDamaged,
                            "数据库 " + db.string() + " 完好（完整性检查通过），不需要重建");
  }
  RebuildSummary summary;
  const std::vector<std::pair<std::string, Bytes>> kept = SalvageSettings(db, keep);
  std::error_code ec;
  if (fs::exists(db, ec)) {
    const std::string suffix = ".damaged-" + TimeStamp(now_ms);
    summary.damaged = db.string() + suffix;
    for (const char* extra : {"", "-wal", "-shm"}) {
      const fs::path from = db.string() + extra;
      if (!fs::exists(from, ec)) continue;
      fs::rename(from, db.string() + suffix + extra, ec);
      if (ec) {
        return Status::IoError(kErrBackupIo,
                               "无法把损坏的 " + from.string() + " 移开：" + ec.message());
      }
    }
  }
  GK_RETURN_IF_ERROR(CompleteEnrolment(home, certificate_file).status());
  GK_ASSIGN_OR_RETURN(Replica replica,
                      Replica::Open(db, ReplicaOptions{false, kDefaultBusyTimeoutMs, {}}));
  for (const auto& [name, value] : kept) {
    GK_RETURN_IF_ERROR(replica.PutSetting(name, value));
    summary.kept_settings.push_back(name);
  }
  GK_RETURN_IF_ERROR(replica.PutSetting(kSettingRestoredFrom, AsBytes(std::to_string(now_ms))));
  summary.node_id = NodeIdHex(key.node_id());
  summary.region = file.node.region;
  return summary;
}

}  // namespace gongkai
