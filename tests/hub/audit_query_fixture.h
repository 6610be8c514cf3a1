// Test support for the audit queries: a county hub (HubService, in process) and enrolled
// offices with their own replicas, every clock driven by the test. `hub_now` is the real
// time of the scenario; each office's clock is hub_now + its own offset (a clock that runs
// behind has a negative offset). Offices push and pull through HubService::Handle with
// signed requests, as `gongkai sync` does over HTTP, or carry envelopes to each other as a
// USB bundle would.
#ifndef GONGKAI_TESTS_HUB_AUDIT_QUERY_FIXTURE_H_
#define GONGKAI_TESTS_HUB_AUDIT_QUERY_FIXTURE_H_

#include <doctest/doctest.h>

#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "hub/audit/audit_common.h"
#include "hub/county/county.h"
#include "hub/server/service.h"
#include "node/replica/apply.h"
#include "node/workflow/disclosure_view.h"
#include "node/exchange/enrolment.h"
#include "node/exchange/exchange.h"
#include "node/replica/home.h"
#include "node/replica/node_key.h"
#include "node/replica/replica.h"
#include "node/intake/sheet_dates.h"
#include "node/replica/sql.h"
#include "node/workflow/workflow.h"
#include "protocol/envelope_batch.h"
#include "protocol/request_auth.h"
#include "protocol/temp_dir.h"
#include "tests/hub/county_fixture.h"

namespace gongkai::testing {

inline constexpr char kAuditTownship[] = "511304100";
inline constexpr char kAuditVillageA[] = "511304100201";  // 石庙村: on time, syncs itself
inline constexpr char kAuditVillageB[] = "511304100202";  // 金凤村: clock behind, USB only
inline constexpr char kAuditVillageC[] = "511304100203";  // 白鹤村: never syncs

// Milliseconds since the epoch of a Beijing wall time.
inline int64_t BeijingMs(int year, int month, int day, int hour = 0, int minute = 0) {
  return DaysFromCivil(CivilDate{year, month, day}) * kMsPerDay - kBeijingOffsetMs +
         (int64_t{hour} * 60 + minute) * 60'000;
}

struct AuditOffice {
  std::string name;
  std::string region;
  Role role = Role::kVillage;
  std::filesystem::path home;
  int64_t clock_offset_ms = 0;
  const int64_t* hub_now = nullptr;
  std::unique_ptr<SecretKey> key;
  std::unique_ptr<Replica> replica;
  std::unique_ptr<HlcClock> clock;

  std::string id() const { return NodeIdHex(key->node_id()); }
  int64_t Now() const { return *hub_now + clock_offset_ms; }
  Actor ActorFor(const std::string& person) {
    // The clock continues from what the replica has seen (received envelopes included).
    auto last = replica->LastHlc();
    REQUIRE(last.ok());
    clock = std::make_unique<HlcClock>([this] { return static_cast<uint64_t>(Now()); }, *last);
    return Actor{key.get(), clock.get(), person, Now()};
  }
  // Every journal envelope in journal order.
  std::vector<Bytes> Journal(const std::string& where = "1") const {
    auto stmt = Statement::Prepare(replica->db(),
                                   "SELECT bytes FROM journal WHERE " + where + " ORDER BY rowid");
    REQUIRE(stmt.ok());
    std::vector<Bytes> out;
    while (*stmt->Step()) out.push_back(stmt->ColumnBlob(0));
    return out;
  }
};

struct AuditCounty {
  TempDir dir;
  int64_t hub_now = BeijingMs(2026, 10, 1, 9);
  std::filesystem::path home = dir.path() / "hub";
  County county = MakeCountyAt(home, &hub_now);
  std::map<std::string, std::unique_ptr<AuditOffice>> offices;  // by region
  std::unique_ptr<HubService> service;

  static County MakeCountyAt(const std::filesystem::path& home, const int64_t* now) {
    CountyOptions options;
    options.wall_clock_ms = [now] { return static_cast<uint64_t>(*now); };
    Result<County> county =
        InitCounty(home, kCountyCode, kCountyName, kPassphrase, kKdfInteractive, options);
    INFO(county.status().ToString());
    REQUIRE(county.ok());
    return std::move(*county);
  }

  AuditOffice& Enrol(const std::string& region, const std::string& name, Role role,
                int64_t clock_offset_ms = 0) {
    auto office = std::make_unique<AuditOffice>();
    office->name = name;
    office->region = region;
    office->role = role;
    office->home = dir.path() / region;
    office->clock_offset_ms = clock_offset_ms;
    office->hub_now = &hub_now;
    Result<Bytes> request =
        StartEnrolment(office->home, region, name, static_cast<uint64_t>(hub_now));
    REQUIRE(request.ok());
    Result<Bytes> certificate = EnrollFromRequest(county, kPassphrase, *request, role);
    INFO(certificate.status().ToString());
    REQUIRE(certificate.ok());
    REQUIRE(CompleteEnrolment(office->home, *certificate).ok());
    Result<SecretKey> key = LoadNodeKey(office->home / kNodeKeyFileName);
    REQUIRE(key.ok());
    office->key = std::make_unique<SecretKey>(std::move(*key));
    const AuditOffice* self = office.get();
    Result<Replica> replica =
        Replica::Open(office->home / kReplicaFileName,
                      ReplicaOptions{false, kDefaultBusyTimeoutMs, [self] { return self->Now(); }});
    REQUIRE(replica.ok());
    office->replica = std::make_unique<Replica>(std::move(*replica));
    AuditOffice& ref = *office;
    offices[region] = std::move(office);
    return ref;
  }

  // Opens the hub service once every office is enrolled.
  void Serve() {
    auto opened = HubService::Open(home, [this] { return hub_now; });
    INFO(opened.status().ToString());
    REQUIRE(opened.ok());
    service = std::move(*opened);
  }

  HubAnswer Send(AuditOffice& office, const std::string& path, const Bytes& body) {
    HubRequest request;
    request.method = "POST";
    request.path = path;
    request.target = path;
    request.body.assign(body.begin(), body.end());
    // The request's own time is the office's clock, as `gongkai sync` signs it.
    request.auth = SignRequest(*office.key, "POST", path, body, office.Now());
    return service->Handle(request);
  }

  // Pushes every envelope the office holds that did not come from the hub.
  void Push(AuditOffice& office, bool expect_refused = false) {
    std::vector<Bytes> envelopes = office.Journal("source <> 'hub'");
    for (size_t at = 0; at < envelopes.size(); at += kMaxPushEnvelopes) {
      std::vector<Bytes> part(
          envelopes.begin() + at,
          envelopes.begin() + std::min(envelopes.size(), at + kMaxPushEnvelopes));
      auto batch = EncodeBatch(part);
      REQUIRE(batch.ok());
      HubAnswer answer = Send(office, "/v1/push", *batch);
      INFO(answer.body);
      REQUIRE(answer.status == 200);
      CHECK((answer.body.find("\"refused\"") != std::string::npos) == expect_refused);
    }
  }

  // Pulls everything the office lacks within its scope.
  void Pull(AuditOffice& office) {
    for (int round = 0; round < 100; ++round) {
      auto have = HaveOf(*office.replica);
      REQUIRE(have.ok());
      auto body = have->Encode();
      REQUIRE(body.ok());
      HubAnswer answer = Send(office, "/v1/pull", *body);
      INFO(answer.body);
      REQUIRE(answer.status == 200);
      auto envelopes = DecodeBatch(
          ByteView(reinterpret_cast<const uint8_t*>(answer.body.data()), answer.body.size()));
      REQUIRE(envelopes.ok());
      for (ByteView envelope : *envelopes) {
        auto applied = ApplyEnvelope(*office.replica, envelope, "hub");
        INFO(applied.status().ToString());
        REQUIRE(applied.ok());
      }
      if (answer.headers[kMoreHeader] != "1") return;
    }
  }

  // Carries every envelope `from` holds to `to`, as a USB bundle would.
  void Carry(AuditOffice& from, AuditOffice& to) {
    for (const Bytes& envelope : from.Journal()) {
      auto applied = ApplyEnvelope(*to.replica, envelope, "bundle:" + from.id());
      INFO(applied.status().ToString());
      REQUIRE(applied.ok());
    }
  }

  // Opens the hub home a second time for the audit queries, as the command does.
  County OpenForAudit() {
    auto opened = OpenCounty(home);
    REQUIRE(opened.ok());
    return std::move(*opened);
  }
};

// Writes a file into the fixture's folder and returns its path.
inline std::string WriteText(const TempDir& dir, const std::string& name, const std::string& text) {
  const std::filesystem::path path = dir.path() / name;
  std::ofstream(path, std::ios::binary) << text;
  return path.string();
}

inline constexpr char kFinanceQ3Csv[] =
    "日期,凭证号,摘要,收入,支出,经手人\n"
    "2026-07-05,记001,村集体土地租金,5000.00,,张三\n"
    "2026-08-10,记002,村道维修,,1200.00,李四\n";
inline constexpr char kSubsidyCsv[] =
    "户主姓名,身份证号,补贴金额\n"
    "王大明,11010519491231002X,120.50\n"
    "李秀英,440524188001010014,98.00\n";

// What the scenario wrote, for the checks.
struct AuditScenario {
  std::string finance_a;      // 石庙村 2026Q3 finance: approved on time
  std::string finance_b;      // 金凤村 2026Q3 finance: returned, resubmitted, approved late
  std::string subsidy_short;  // 石庙村: a 3-day 公示期
  std::string subsidy_late;   // 石庙村: 7 days declared, approved on its 5th day
  std::string subsidy_ok;     // 石庙村: 7 days, approved on its first day
  std::string village_d;      // 青龙村's node id: revoked, still sending
  int64_t audit_at = BeijingMs(2026, 10, 20, 12);
};

inline std::string SubmitNew(AuditCounty& c, AuditOffice& office, DraftInput input,
                             const std::string& person) {
  auto draft = CreateDraft(*office.replica, input, office.Now());
  INFO(draft.status().ToString());
  REQUIRE(draft.ok());
  auto submitted = Submit(*office.replica, office.ActorFor(person), draft->id);
  INFO(submitted.status().ToString());
  REQUIRE(submitted.ok());
  (void)c;
  return draft->id;
}

inline void Decide(AuditOffice& office, const std::string& id, Decision decision,
                   const std::string& comment = "") {
  auto reviewed = Review(*office.replica, office.ActorFor("镇经管站 赵敏"), id, decision, comment);
  INFO(reviewed.status().ToString());
  REQUIRE(reviewed.ok());
}

// The scenario of the audit tests (all times Beijing):
//   10-01 09:00  龙蟠镇, 石庙村 (A), 金凤村 (B, clock 2 days behind), 白鹤村 (C, never syncs)
//                and 青龙村 (D) are enrolled; the township and A pull the certificates.
//   10-08 10:00  A submits its 2026Q3 finance and pushes.
//   10-09 10:00  the township approves it (24 h after it reached the hub) and pushes.
//   10-09 11:00  A submits a subsidy list with a 3-day 公示期; approved 15:00 (4 h).
//   10-09 16:00  A pulls and records the finance sheet posted.
//   10-10 09:00  A submits a subsidy list 公示 10-06..10-12; approved 17:00 (8 h), on the
//                5th day of its 公示期: 3 days left.
//   10-11 09:00  A submits a subsidy list 公示 10-11..10-17; approved 11:00 (2 h).
//   10-12 10:00  B (its clock says 10-10 10:00) submits its 2026Q3 finance; by USB to the
//                township, which returns it at 10-13 09:00 and pushes both.
//   10-16 10:00  B resubmits (its clock: 10-14); by USB on 10-17; the township pushes at
//                09:00 and approves at 11:00 (2 h): after the 10-15 deadline, 2 days late.
//   10-18 09:00  D is revoked (retired). 10-19 D writes a notice; the township, which has not
//                synced since, carries it and pushes: the hub refuses it (apply.revoked).
//   10-20 12:00  the audit.
inline AuditScenario RunAuditScenario(AuditCounty& c) {
  AuditScenario s;
  AuditOffice& township = c.Enrol(kAuditTownship, "龙蟠镇", Role::kTownship);
  AuditOffice& a = c.Enrol(kAuditVillageA, "石庙村", Role::kVillage);
  AuditOffice& b = c.Enrol(kAuditVillageB, "金凤村", Role::kVillage, -2 * kMsPerDay);
  c.Enrol(kAuditVillageC, "白鹤村", Role::kVillage);
  AuditOffice& d = c.Enrol("511304100204", "青龙村", Role::kVillage);
  s.village_d = d.id();
  c.Serve();
  c.Pull(township);
  c.Pull(a);
  c.Carry(township, b);
  c.Carry(township, d);

  const std::string finance_csv = WriteText(c.dir, "finance.csv", kFinanceQ3Csv);
  const std::string subsidy_csv = WriteText(c.dir, "subsidy.csv", kSubsidyCsv);
  auto finance = [&](const std::string& title) {
    DraftInput input;
    input.category = Category::kFinance;
    input.title = title;
    input.period = "2026Q3";
    input.import_path = finance_csv;
    input.opening_cents = 100000;
    return input;
  };
  auto subsidy = [&](const std::string& title, int64_t days, std::optional<std::string> from) {
    DraftInput input;
    input.category = Category::kSubsidy;
    input.title = title;
    input.period = "2026";
    input.import_path = subsidy_csv;
    input.publicity_days = days;
    input.publicity_from = from;
    return input;
  };

  c.hub_now = BeijingMs(2026, 10, 8, 10);
  s.finance_a = SubmitNew(c, a, finance("石庙村2026年第三季度财务收支公开"), "文书 王芳");
  c.Push(a);
  c.hub_now = BeijingMs(2026, 10, 9, 10);
  c.Pull(township);
  Decide(township, s.finance_a, Decision::kApprove);
  c.Push(township);

  c.hub_now = BeijingMs(2026, 10, 9, 11);
  s.subsidy_short =
      SubmitNew(c, a, subsidy("耕地地力保护补贴（三天）", 3, std::nullopt), "文书 王芳");
  c.Push(a);
  c.hub_now = BeijingMs(2026, 10, 9, 15);
  c.Pull(township);
  Decide(township, s.subsidy_short, Decision::kApprove);
  c.Push(township);
  c.hub_now = BeijingMs(2026, 10, 9, 16);
  c.Pull(a);
  {
    auto state = LoadDisclosure(a.replica->db(), s.finance_a);
    REQUIRE(state.ok());
    REQUIRE(state->has_value());
    auto posted = RecordPosting(*a.replica, a.ActorFor("文书 王芳"), s.finance_a,
                                (*state)->current()->version_id, 2);
    INFO(posted.status().ToString());
    REQUIRE(posted.ok());
  }

  c.hub_now = BeijingMs(2026, 10, 10, 9);
  s.subsidy_late = SubmitNew(c, a, subsidy("稻谷补贴", 7, "2026-10-06"), "文书 王芳");
  c.Push(a);
  c.hub_now = BeijingMs(2026, 10, 10, 17);
  c.Pull(township);
  Decide(township, s.subsidy_late, Decision::kApprove);
  c.Push(township);

  c.hub_now = BeijingMs(2026, 10, 11, 9);
  s.subsidy_ok = SubmitNew(c, a, subsidy("玉米补贴", 7, std::nullopt), "文书 王芳");
  c.Push(a);
  c.hub_now = BeijingMs(2026, 10, 11, 11);
  c.Pull(township);
  Decide(township, s.subsidy_ok, Decision::kApprove);
  c.Push(township);

  c.hub_now = BeijingMs(2026, 10, 12, 10);
  s.finance_b = SubmitNew(c, b, finance("金凤村2026年第三季度财务收支公开"), "报账员 陈刚");
  c.Carry(b, township);
  c.hub_now = BeijingMs(2026, 10, 13, 9);
  Decide(township, s.finance_b, Decision::kReturn, "缺少凭证号");
  c.Push(township);
  c.Carry(township, b);
  c.hub_now = BeijingMs(2026, 10, 16, 10);
  {
    DraftInput change;
    change.body_text = "已补凭证号";
    auto edited = EditDraft(*b.replica, s.finance_b, change, b.Now());
    INFO(edited.status().ToString());
    REQUIRE(edited.ok());
    auto submitted = Submit(*b.replica, b.ActorFor("报账员 陈刚"), s.finance_b);
    INFO(submitted.status().ToString());
    REQUIRE(submitted.ok());
  }
  c.hub_now = BeijingMs(2026, 10, 17, 8);
  c.Carry(b, township);
  c.hub_now = BeijingMs(2026, 10, 17, 9);
  c.Push(township);
  c.hub_now = BeijingMs(2026, 10, 17, 11);
  Decide(township, s.finance_b, Decision::kApprove);
  c.Push(township);

  c.hub_now = BeijingMs(2026, 10, 18, 9);
  REQUIRE(Revoke(c.county, kPassphrase, s.village_d, RevocationReason::kRetired).ok());
  c.hub_now = BeijingMs(2026, 10, 19, 9);
  {
    DraftInput notice;
    notice.category = Category::kAffairs;
    notice.title = "村民代表会议决议";
    notice.period = "2026Q4";
    notice.body_text = "修建村道";
    SubmitNew(c, d, notice, "文书 刘洋");
  }
  c.Carry(d, township);
  c.Push(township, /*expect_refused=*/true);
  c.hub_now = s.audit_at;
  return s;
}

}  // namespace gongkai::testing

#endif  // GONGKAI_TESTS_HUB_AUDIT_QUERY_FIXTURE_H_
