// InitCounty and OpenCounty: making and opening a hub home.
#include "hub/county/county.h"

#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <system_error>
#include <utility>

#include "hub/county/county_rows.h"
#include "node/replica/capture.h"
#include "node/replica/home.h"
#include "node/replica/node_key.h"
#include "protocol/file_io.h"

namespace gongkai {

namespace {

namespace fs = std::filesystem;

HlcClock::WallClock WallOf(const CountyOptions& options) {
  if (options.wall_clock_ms) return options.wall_clock_ms;
  return &HlcClock::SystemWallMs;
}

ReplicaOptions ReplicaOptionsOf(const CountyOptions& options, bool create) {
  ReplicaOptions replica;
  replica.create_if_missing = create;
  replica.busy_timeout_ms = options.busy_timeout_ms;
  if (options.wall_clock_ms) {
    replica.wall_clock_ms = [wall = options.wall_clock_ms] { return static_cast<int64_t>(wall()); };
  }
  return replica;
}

Status HomeError(const fs::path& path, std::string_view what, int err) {
  return Status::IoError(kErrCountyHome, "县级目录 " + path.string() + " " + std::string(what) +
                                             ": " + std::strerror(err));
}

Status HomeExists(const fs::path& home) {
  return Status::Conflict(kErrCountyHomeExists, "目录 " + home.string() +
                                                    " 已存在且不是空目录; 为免覆盖县级根密钥,"
                                                    " 请指定一个新目录");
}

// The home may be made only where nothing is, or an empty folder is.
Status CheckHomeFree(const fs::path& home) {
  std::error_code ec;
  const fs::file_status status = fs::symlink_status(home, ec);
  if (!fs::exists(status)) return Status::Ok();
  if (fs::is_directory(status) && fs::is_empty(home, ec) && !ec) return Status::Ok();
  return HomeExists(home);
}

// A folder that is removed with its contents unless Keep() is called.
class StagingFolder {
 public:
  explicit StagingFolder(fs::path path) : path_(std::move(path)) {}
  StagingFolder(const StagingFolder&) = delete;
  StagingFolder& operator=(const StagingFolder&) = delete;
  ~StagingFolder() {
    if (path_.empty()) return;
    std::error_code ignored;
    fs::remove_all(path_, ignored);
  }
  const fs::path& path() const { return path_; }
  void Keep() { path_.clear(); }

 private:
  fs::path path_;
};

Status SyncFolder(const fs::path& folder) {
  const int fd = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return HomeError(folder, "无法打开", errno);
  const int rc = ::fsync(fd);
  const int err = errno;
  ::close(fd);
  if (rc != 0) return HomeError(folder, "无法同步到磁盘", err);
  return Status::Ok();
}

// Writes the three files of a new home into `folder`.
Status BuildHome(const fs::path& folder, const SecretKey& root, ByteView sealed_root,
                 const SecretKey& hub, const Certificate& cert, ByteView cert_body, HlcClock& clock,
                 const CountyOptions& options) {
  GK_RETURN_IF_ERROR(WriteFileAtomically((folder / kRootKeyFileName).string(), sealed_root, 0600));
  GK_RETURN_IF_ERROR(SaveNodeKey(folder / kHubKeyFileName, hub));
  GK_ASSIGN_OR_RETURN(Replica replica,
                      Replica::Open(folder / kReplicaFileName, ReplicaOptionsOf(options, true)));
  GK_RETURN_IF_ERROR(replica.SetIdentity(NodeIdentity{hub.node_id(), Role::kCounty, cert.region,
                                                      Bytes(cert_body.begin(), cert_body.end()),
                                                      root.public_key()}));
  // The hub's own certificate becomes a synced fact like every other.
  return Capture(replica, hub, clock,
                 [&](sqlite3* db, const CaptureStamp& stamp) {
                   return InsertCertificateRow(db, stamp, cert, cert_body);
                 })
      .status();
}

}  // namespace

Result<County> InitCounty(const fs::path& home_arg, std::string_view county_code,
                          std::string_view county_name, std::string_view passphrase, KdfParams kdf,
                          const CountyOptions& options) {
  GK_RETURN_IF_ERROR(ValidateRegionForRole(county_code, Role::kCounty));
  if (county_name.empty()) {
    return Status::Invalid(kErrCountyNameEmpty, "县的名称不能为空");
  }
  if (passphrase.empty()) {
    return Status::Invalid(kErrCountyPassphraseEmpty, "县级根密钥的口令不能为空");
  }
  GK_RETURN_IF_ERROR(CheckKdfParams(kdf));
  const fs::path home = home_arg.has_filename() ? home_arg : home_arg.parent_path();
  GK_RETURN_IF_ERROR(CheckHomeFree(home));

  SecretKey root = SecretKey::Generate();
  SecretKey hub = SecretKey::Generate();
  HlcClock clock(WallOf(options));
  Certificate cert;
  cert.county = std::string(county_code);
  cert.subject_key = hub.public_key();
  cert.role = Role::kCounty;
  cert.region = cert.county;
  cert.name = std::string(county_name);
  cert.issued_hlc = clock.Now();
  cert.serial = RandomSerial();
  GK_ASSIGN_OR_RETURN(Bytes cert_body, SignCertificate(cert, root));
  GK_ASSIGN_OR_RETURN(Bytes sealed_root, SealSecretKey(root, passphrase, kdf));

  fs::path parent = home.parent_path();
  if (parent.empty()) parent = ".";
  std::error_code ec;
  fs::create_directories(parent, ec);
  if (ec) return HomeError(parent, "无法创建", ec.value());
  std::string pattern = (parent / ("." + home.filename().string() + ".init-XXXXXX")).string();
  if (::mkdtemp(pattern.data()) == nullptr) return HomeError(parent, "无法建立临时目录", errno);
  StagingFolder staging(pattern);
  GK_RETURN_IF_ERROR(
      BuildHome(staging.path(), root, sealed_root, hub, cert, cert_body, clock, options));
  // rename(2) replaces an empty folder and refuses a non-empty one, all at once.
  if (::rename(staging.path().c_str(), home.c_str()) != 0) {
    if (errno == ENOTEMPTY || errno == EEXIST || errno == ENOTDIR) return HomeExists(home);
    return HomeError(home, "无法建立", errno);
  }
  staging.Keep();
  GK_RETURN_IF_ERROR(SyncFolder(parent));
  return OpenCounty(home, options);
}

Result<County> OpenCounty(const fs::path& home, const CountyOptions& options) {
  for (const char* file : {kRootKeyFileName, kHubKeyFileName, kReplicaFileName}) {
    std::error_code ec;
    if (!fs::exists(home / file, ec)) {
      return Status::NotFound(kErrCountyNotInitialised, "县级目录 " + home.string() + " 中没有 " +
                                                            file + "; 请先运行 gongkai-hub init");
    }
  }
  // One byte over the format's size, so that a longer file is named by key_file.size.
  GK_ASSIGN_OR_RETURN(Bytes root_file,
                      ReadFileLimited((home / kRootKeyFileName).string(), kKeyFileSize + 1));
  GK_ASSIGN_OR_RETURN(PublicKey root, KeyFilePublicKey(root_file));
  GK_ASSIGN_OR_RETURN(SecretKey hub, LoadNodeKey(home / kHubKeyFileName));
  GK_ASSIGN_OR_RETURN(Replica replica,
                      Replica::Open(home / kReplicaFileName, ReplicaOptionsOf(options, false)));
  GK_ASSIGN_OR_RETURN(NodeIdentity identity, replica.Identity());
  auto inconsistent = [&](std::string_view why) {
    return Status::Invalid(kErrCountyInconsistent,
                           "县级目录 " + home.string() + " 的文件互相矛盾: " + std::string(why));
  };
  if (identity.role != Role::kCounty) {
    return inconsistent("副本的身份是 " + std::string(RoleName(identity.role)) + ", 不是县级");
  }
  if (identity.node_id != hub.node_id()) {
    return inconsistent("副本属于节点 " + NodeIdHex(identity.node_id) + ", 而 hub.key 是 " +
                        NodeIdHex(hub.node_id()));
  }
  if (identity.root_public_key != root) {
    return inconsistent("副本的县级根公钥与 root.key 不符");
  }
  GK_ASSIGN_OR_RETURN(Certificate cert, OpenCertificate(identity.certificate, root));
  GK_ASSIGN_OR_RETURN(Hlc last, replica.LastHlc());

  County county(home, std::move(replica));
  county.hub_key_ = std::make_unique<SecretKey>(std::move(hub));
  county.clock_ = std::make_unique<HlcClock>(WallOf(options), last);
  county.code_ = cert.county;
  county.name_ = cert.name;
  county.root_public_key_ = root;
  county.hub_certificate_ = std::move(identity.certificate);
  return county;
}

}  // namespace gongkai
