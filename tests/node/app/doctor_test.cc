#include "node/app/doctor.h"

#include <doctest/doctest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "node/app/disclosure_actions.h"
#include "node/app/exchange_actions.h"
#include "node/app/node_session.h"
#include "node/exchange/enrolment.h"
#include "node/exchange/hub_sync.h"
#include "node/replica/home.h"
#include "node/replica_fixture.h"
#include "printing/pdf_render.h"
#include "protocol/certificate_file.h"
#include "protocol/enrolment_request.h"

namespace gongkai {
namespace {

using testing::kCounty;
using testing::kVillage;
using testing::TempDir;

// An enrolled village home (as gongkai init leaves it) with a printer and the font faked
// present, so that only what a test changes can go wrong.
struct DoctorHome {
  TempDir dir;
  SecretKey root = SecretKey::Generate();
  std::unique_ptr<testing::TestNode> hub =
      testing::MakeNode(dir, "county", root, Role::kCounty, kCounty);
  std::filesystem::path path = dir.path() / "village";
  DoctorOptions options;

  DoctorHome() {
    Result<Bytes> request_bytes = StartEnrolment(path, kVillage, "石庙村村委会", WallClockMs());
    REQUIRE(request_bytes.ok());
    Result<EnrolmentRequest> request = OpenEnrolmentRequest(*request_bytes);
    REQUIRE(request.ok());
    Certificate cert;
    cert.county = kCounty;
    cert.subject_key = request->node_key;
    cert.role = Role::kVillage;
    cert.region = kVillage;
    cert.name = request->name;
    cert.issued_hlc = MakeHlc(static_cast<uint64_t>(WallClockMs()), 0);
    cert.serial = RandomSerial();
    Result<Bytes> body = SignCertificate(cert, root);
    REQUIRE(body.ok());
    Result<Bytes> file = MakeCertificateFile(root.public_key(), *body, hub->certificate);
    REQUIRE(file.ok());
    REQUIRE(CompleteEnrolment(path, *file).ok());
    options.probe_printer = [](const std::optional<std::string>&) {
      return PrinterProbe{true, "A3", true, true};
    };
    options.check_font = [] { return Status::Ok(); };
  }

  void Set(std::string_view key, std::string_view value) {
    Result<NodeSession> session = OpenNodeSession(path.string(), false);
    REQUIRE(session.ok());
    REQUIRE(session->replica->PutSetting(key, AsBytes(value)).ok());
  }

  std::vector<DoctorCheck> Run() const { return RunNodeDoctor(path.string(), options); }
};

const DoctorCheck& Find(const std::vector<DoctorCheck>& checks, std::string_view id) {
  for (const DoctorCheck& c : checks) {
    if (c.id == id) return c;
  }
  FAIL("no check " << id);
  static DoctorCheck none;
  return none;
}

// A port on 127.0.0.1 nothing listens on (bound, then closed).
int ClosedPort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(fd >= 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  socklen_t len = sizeof addr;
  REQUIRE(getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0);
  close(fd);
  return ntohs(addr.sin_port);
}

TEST_CASE("doctor: a healthy home passes every check") {
  DoctorHome home;
  const std::vector<DoctorCheck> checks = home.Run();
  for (const DoctorCheck& c : checks) {
    INFO(c.id << ": " << c.message);
    CHECK(c.level == CheckLevel::kOk);
  }
  CHECK(DoctorAllOk(checks));
  std::vector<std::string> ids;
  for (const DoctorCheck& c : checks) ids.push_back(c.id);
  CHECK(ids == std::vector<std::string>{"home", "database", "certificate", "clock", "hub", "outbox",
                                        "printer", "font"});
  // No hub address: a node that syncs by U盘 only.
  CHECK(Find(checks, "hub").message.find("U盘") != std::string::npos);
}

TEST_CASE("doctor: a hub that answers is ok, a closed port fails in Chinese") {
  DoctorHome home;
  httplib::Server server;
  server.Get("/v1/health", [](const httplib::Request&, httplib::Response& res) {
    res.set_content("{\"status\":\"ok\"}", "application/json");
  });
  const int port = server.bind_to_any_port("127.0.0.1");
  REQUIRE(port > 0);
  std::thread serving([&] { server.listen_after_bind(); });
  home.Set(kSettingHub, "http://127.0.0.1:" + std::to_string(port));
  const std::vector<DoctorCheck> up = home.Run();
  server.stop();
  serving.join();
  CHECK(Find(up, "hub").level == CheckLevel::kOk);
  CHECK(DoctorAllOk(up));

  home.Set(kSettingHub, "http://127.0.0.1:" + std::to_string(ClosedPort()));
  const std::vector<DoctorCheck> down = home.Run();
  const DoctorCheck& hub = Find(down, "hub");
  CHECK(hub.level == CheckLevel::kFail);
  CHECK(hub.message.find("连不上县汇聚服务器") != std::string::npos);
  CHECK_FALSE(hub.advice.empty());
  CHECK_FALSE(DoctorAllOk(down));
}

TEST_CASE("doctor: an https hub without a pinned fingerprint fails") {
  DoctorHome home;
  home.Set(kSettingHub, "https://127.0.0.1:" + std::to_string(ClosedPort()));
  const DoctorCheck hub = Find(home.Run(), "hub");
  CHECK(hub.level == CheckLevel::kFail);
  CHECK(hub.message.find("汇聚服务器设置有误") != std::string::npos);
}

TEST_CASE("doctor: a wrong clock is told and by how much") {
  DoctorHome home;
  // The hub's clock 3 days 2 hours ahead of this PC's.
  home.Set(kSettingHubClockOffset, std::to_string((3 * 24 + 2) * 3'600'000ll));
  home.Set(kSettingHubClockMeasuredAt, std::to_string(WallClockMs()));
  const std::vector<DoctorCheck> checks = home.Run();
  const DoctorCheck& clock = Find(checks, "clock");
  CHECK(clock.level == CheckLevel::kWarn);
  CHECK(clock.message.find("本机时钟比汇聚服务器慢 3 天 2 小时") != std::string::npos);
  CHECK_FALSE(DoctorAllOk(checks));

  home.Set(kSettingHubClockOffset, "1500");
  CHECK(Find(home.Run(), "clock").level == CheckLevel::kOk);
}

TEST_CASE("doctor: envelopes waiting long for the county's receipt warn") {
  DoctorHome home;
  {
    Result<NodeSession> session = OpenNodeSession(home.path.string(), true);
    REQUIRE(session.ok());
    DraftInput input;
    input.category = Category::kAffairs;
    input.title = "公告";
    input.period = "2024";
    Result<Draft> draft = NewDisclosure(*session, input);
    REQUIRE(draft.ok());
    REQUIRE(SubmitDisclosure(*session, draft->id, "文书").ok());
  }
  const DoctorCheck fresh = Find(home.Run(), "outbox");
  CHECK(fresh.level == CheckLevel::kOk);
  CHECK(fresh.message.find("未获县级回执") != std::string::npos);

  home.options.now_ms = WallClockMs() + kDoctorPendingWarnMs + 3'600'000;
  const std::vector<DoctorCheck> later = home.Run();
  const DoctorCheck& outbox = Find(later, "outbox");
  CHECK(outbox.level == CheckLevel::kWarn);
  CHECK(outbox.message.find("已等待 3 天") != std::string::npos);
  CHECK(outbox.advice.find("gongkai sync") != std::string::npos);
  CHECK_FALSE(DoctorAllOk(later));
}

TEST_CASE("doctor: a damaged replica is named, and the other checks still run") {
  DoctorHome home;
  const std::filesystem::path db = home.path / kReplicaFileName;
  {
    // Overwrite pages after the header: the schema page survives or not; either way the
    // finding names the file.
    std::fstream file(db, std::ios::in | std::ios::out | std::ios::binary);
    REQUIRE(file);
    file.seekp(100);
    const std::string junk(8000, '\x5a');
    file.write(junk.data(), static_cast<std::streamsize>(junk.size()));
  }
  const std::vector<DoctorCheck> checks = home.Run();
  const DoctorCheck& database = Find(checks, "database");
  CHECK(database.level == CheckLevel::kFail);
  CHECK(database.message.find(db.string()) != std::string::npos);
  CHECK_FALSE(database.advice.empty());
  CHECK(Find(checks, "certificate").level == CheckLevel::kFail);
  CHECK(Find(checks, "font").level == CheckLevel::kOk);
  CHECK(checks.size() == 8);
}

TEST_CASE("doctor: a missing replica or key is a failure with what to do") {
  DoctorHome home;
  std::filesystem::remove(home.path / kNodeKeyFileName);
  const DoctorCheck key = Find(home.Run(), "certificate");
  CHECK(key.level == CheckLevel::kFail);
  CHECK(key.message.find("node.key") != std::string::npos);

  TempDir empty;
  const std::vector<DoctorCheck> none = RunNodeDoctor(empty.path().string(), home.options);
  CHECK(Find(none, "database").level == CheckLevel::kFail);
  CHECK(Find(none, "database").advice.find("gongkai init") != std::string::npos);
}

TEST_CASE("doctor: a data folder that cannot be written fails") {
  DoctorHome home;
  // Permissions do not stop root; a path that is a file stops everyone.
  const std::filesystem::path not_a_folder = home.dir.path() / "file";
  std::ofstream(not_a_folder) << "x";
  const DoctorCheck check = Find(RunNodeDoctor(not_a_folder.string(), home.options), "home");
  CHECK(check.level == CheckLevel::kFail);
  CHECK(check.message.find("不是目录") != std::string::npos);
}

TEST_CASE("doctor: no printer warns, a queue that refuses fails, a missing font fails") {
  DoctorHome home;
  home.options.probe_printer = [](const std::optional<std::string>&) {
    return PrinterProbe{true, "", false, false};
  };
  CHECK(Find(home.Run(), "printer").level == CheckLevel::kWarn);
  home.options.probe_printer = [](const std::optional<std::string>& queue) {
    return PrinterProbe{true, queue.value_or("?"), true, false};
  };
  home.options.printer = "A3";
  const DoctorCheck refusing = Find(home.Run(), "printer");
  CHECK(refusing.level == CheckLevel::kFail);
  CHECK(refusing.message == "打印队列 A3 不接受任务");
  home.options.check_font = [] {
    return Status::Unavailable(kErrPrintFontMissing, "找不到字体 Noto Sans CJK SC");
  };
  CHECK(Find(home.Run(), "font").level == CheckLevel::kFail);
}

TEST_CASE("doctor: lpstat's view of a queue that does not exist") {
  const PrinterProbe probe = ProbePrinterWithLpstat(std::string("gongkai-no-such-queue"));
  if (!probe.lpstat_found) {
    MESSAGE("lpstat is not installed here: only the missing-lpstat path was run");
    return;
  }
  CHECK_FALSE(probe.exists);
}

}  // namespace
}  // namespace gongkai
