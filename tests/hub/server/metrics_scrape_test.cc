// `gongkai-hub serve --metrics-listen`: Prometheus scrapes the hub with plain HTTP. The
// scrape is made with curl, as an operator would try it, and every line must parse as the
// Prometheus text format (version 0.0.4).
#include <doctest/doctest.h>

#include "hub/server/http_request.h"
#include <sys/stat.h>

#include <cctype>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "protocol/temp_dir.h"
#include "tests/hub/county_office.h"

namespace gongkai::testing {
namespace {

constexpr char kTownship[] = "511304100";
constexpr char kVillage[] = "511304100201";
constexpr char kToken[] = "0123456789abcdef-metrics-token";

struct Sample {
  std::string name;
  std::map<std::string, std::string> labels;
  double value = 0;
};

struct Exposition {
  std::string error;  // empty when every line parsed
  std::map<std::string, std::string> types;  // family -> counter|gauge|...
  std::vector<Sample> samples;

  const Sample* Find(const std::string& name,
                     const std::map<std::string, std::string>& labels = {}) const {
    for (const Sample& s : samples) {
      if (s.name == name && s.labels == labels) return &s;
    }
    return nullptr;
  }
};

bool MetricNameChar(char c, bool first) {
  return std::isalpha(static_cast<unsigned char>(c)) || c == '_' || c == ':' ||
         (!first && std::isdigit(static_cast<unsigned char>(c)));
}
bool LabelNameChar(char c, bool first) {
  return std::isalpha(static_cast<unsigned char>(c)) || c == '_' ||
         (!first && std::isdigit(static_cast<unsigned char>(c)));
}

// Reads a name at `at`; empty when none.
std::string ReadName(const std::string& line, size_t& at, bool (*ok)(char, bool)) {
  const size_t start = at;
  while (at < line.size() && ok(line[at], at == start)) ++at;
  return line.substr(start, at - start);
}

bool ParseValue(const std::string& text, double* value) {
  if (text == "NaN" || text == "+Inf" || text == "-Inf") return true;
  if (text.empty()) return false;
  char* end = nullptr;
  *value = std::strtod(text.c_str(), &end);
  return end == text.c_str() + text.size();
}

// A parser of the text format as Prometheus documents it ("Exposition formats"): HELP and
// TYPE lines, samples with optional labels and timestamp, each family's lines together.
Exposition ParseExposition(const std::string& text) {
  Exposition out;
  std::set<std::string> helped;
  std::set<std::string> finished;  // families whose lines have ended
  std::string current;             // the family of the lines just read
  auto enter = [&](const std::string& family) -> bool {
    if (family == current) return true;
    if (finished.count(family)) return false;
    if (!current.empty()) finished.insert(current);
    current = family;
    return true;
  };
  if (text.empty() || text.back() != '\n') {
    out.error = "the text does not end with a line feed";
    return out;
  }
  size_t begin = 0;
  int number = 0;
  while (begin < text.size()) {
    const size_t end = text.find('\n', begin);
    const std::string line = text.substr(begin, end - begin);
    begin = end + 1;
    ++number;
    const std::string where = "line " + std::to_string(number) + " \"" + line + "\": ";
    if (line.empty()) continue;
    if (line[0] == '#') {
      std::string keyword;
      if (line.starts_with("# HELP ")) keyword = "HELP";
      if (line.starts_with("# TYPE ")) keyword = "TYPE";
      if (keyword.empty()) continue;  // a plain comment
      size_t at = 7;
      const std::string family = ReadName(line, at, MetricNameChar);
      if (family.empty() || (at < line.size() && line[at] != ' ')) {
        out.error = where + "no metric name";
        return out;
      }
      if (!enter(family)) {
        out.error = where + "family " + family + " continues after another";
        return out;
      }
      const std::string rest = at < line.size() ? line.substr(at + 1) : "";
      if (keyword == "HELP") {
        if (!helped.insert(family).second) {
          out.error = where + "a second HELP";
          return out;
        }
        continue;
      }
      static const std::set<std::string> kTypes = {"counter", "gauge", "histogram", "summary",
                                                   "untyped"};
      if (!kTypes.count(rest)) {
        out.error = where + "unknown type";
        return out;
      }
      if (out.types.count(family)) {
        out.error = where + "a second TYPE";
        return out;
      }
      out.types[family] = rest;
      continue;
    }
    Sample sample;
    size_t at = 0;
    sample.name = ReadName(line, at, MetricNameChar);
    if (sample.name.empty()) {
      out.error = where + "no metric name";
      return out;
    }
    if (at < line.size() && line[at] == '{') {
      ++at;
      while (at < line.size() && line[at] != '}') {
        const std::string label = ReadName(line, at, LabelNameChar);
        if (label.empty() || at + 1 >= line.size() || line[at] != '=' || line[at + 1] != '"') {
          out.error = where + "bad label";
          return out;
        }
        at += 2;
        std::string value;
        while (at < line.size() && line[at] != '"') {
          if (line[at] == '\\') {
            if (at + 1 >= line.size()) break;
            const char escaped = line[at + 1];
            if (escaped != '\\' && escaped != '"' && escaped != 'n') {
              out.error = where + "bad escape in a label value";
              return out;
            }
            value += escaped == 'n' ? '\n' : escaped;
            at += 2;
            continue;
          }
          value += line[at++];
        }
        if (at >= line.size()) {
          out.error = where + "unterminated label value";
          return out;
        }
        ++at;  // the closing quote
        if (!sample.labels.emplace(label, value).second) {
          out.error = where + "label given twice";
          return out;
        }
        if (at < line.size() && line[at] == ',') ++at;
      }
      if (at >= line.size()) {
        out.error = where + "unterminated labels";
        return out;
      }
      ++at;  // '}'
    }
    if (at >= line.size() || line[at] != ' ') {
      out.error = where + "no space before the value";
      return out;
    }
    const std::string rest = line.substr(at + 1);
    const size_t space = rest.find(' ');
    if (!ParseValue(rest.substr(0, space), &sample.value)) {
      out.error = where + "value is not a number";
      return out;
    }
    if (space != std::string::npos) {
      const std::string stamp = rest.substr(space + 1);
      if (stamp.empty() || stamp.find_first_not_of("-0123456789") != std::string::npos) {
        out.error = where + "bad timestamp";
        return out;
      }
    }
    if (!enter(sample.name)) {
      out.error = where + "family " + sample.name + " continues after another";
      return out;
    }
    if (!out.types.count(sample.name)) {
      out.error = where + "sample before its TYPE line";
      return out;
    }
    out.samples.push_back(std::move(sample));
  }
  return out;
}

TEST_CASE("the text-format parser refuses what Prometheus would refuse") {
  CHECK(ParseExposition("# TYPE a gauge\na 1\n").error.empty());
  CHECK(ParseExposition("# TYPE a gauge\na{x=\"1\",y=\"q\\\"\"} +Inf 123\n").error.empty());
  CHECK_FALSE(ParseExposition("a 1\n").error.empty());                        // no TYPE
  CHECK_FALSE(ParseExposition("# TYPE a gauge\na one\n").error.empty());      // not a number
  CHECK_FALSE(ParseExposition("# TYPE a gauge\na{x=1} 1\n").error.empty());   // unquoted
  CHECK_FALSE(ParseExposition("# TYPE 1a gauge\n1a 1\n").error.empty());      // bad name
  CHECK_FALSE(ParseExposition("# TYPE a metre\na 1\n").error.empty());        // bad type
  CHECK_FALSE(ParseExposition("# TYPE a gauge\n# TYPE b gauge\nb 1\na 1\n").error.empty());
  CHECK_FALSE(ParseExposition("# TYPE a gauge\na 1").error.empty());          // no last \n
}

// curl's answer: the body, and the status after a last line feed (-w).
struct Curled {
  int status = 0;
  std::string body;
};

Curled Curl(const std::vector<std::string>& extra, const std::string& url) {
  std::vector<std::string> argv = {"/usr/bin/curl", "--silent", "--show-error", "--max-time",
                                   "20", "--write-out", "\n%{http_code}"};
  argv.insert(argv.end(), extra.begin(), extra.end());
  argv.push_back(url);
  ChildProcess curl(argv);
  std::string all = curl.ReadAll();
  REQUIRE(curl.Wait() == 0);
  const size_t last = all.rfind('\n');
  REQUIRE(last != std::string::npos);
  Curled out;
  out.status = std::stoi(all.substr(last + 1));
  out.body = all.substr(0, last);
  return out;
}

std::string WriteToken(const std::filesystem::path& dir, mode_t mode) {
  const std::string path = (dir / "metrics.token").string();
  {
    std::ofstream out(path);
    out << kToken << "\n";
  }
  REQUIRE(chmod(path.c_str(), mode) == 0);
  return path;
}

TEST_CASE("Prometheus scrapes the hub's metrics listener, with the token, in text format") {
  TempDir dir;
  Office o(dir.path());
  o.InitCounty();
  o.Enrol("township", kTownship, "龙蟠镇", "township");
  o.Enrol("v1", kVillage, "石庙村", "village");
  const std::string token = WriteToken(dir.path(), 0600);
  o.StartHub(0, {"--metrics-listen", "127.0.0.1:0", "--metrics-token-file", token});
  const std::string line = o.ReadHubLine();
  const std::string prefix = "metrics on 127.0.0.1:";
  REQUIRE(line.starts_with(prefix));
  const std::string url = "http://127.0.0.1:" + line.substr(prefix.size()) + "/metrics";

  // Something to count: the township syncs (the county's rows come down; it writes nothing),
  // the village writes and submits one disclosure and pushes it.
  o.SyncOk("township");
  o.SyncOk("v1");
  JsonValue made = o.NodeJson("v1", {"new", "--title", "村务公开 测试", "--category", "affairs",
                                     "--period", "2024Q3", "--body", "正文。"});
  const std::string id = made.StringOr("id", "").value_or("");
  REQUIRE(id.size() == 32);
  o.NodeOk("v1", {"submit", id});
  o.SyncOk("v1");

  SUBCASE("without the token, or with another, the scrape is refused") {
    CHECK(Curl({}, url).status == 401);
    CHECK(Curl({"-H", "Authorization: Bearer not-the-token-at-all"}, url).status == 401);
    CHECK(Curl({"-H", std::string("Authorization: Bearer ") + kToken + "x"}, url).status == 401);
  }

  SUBCASE("the listener is the sync API's front: a head over the limit 431, another path 404") {
    const std::string pad = "X-Pad: " + std::string(kMaxRequestHeadBytes, 'p');
    CHECK(Curl({"-H", pad, "-H", std::string("Authorization: Bearer ") + kToken}, url).status ==
          431);
    const std::string other = url.substr(0, url.size() - std::string("metrics").size()) + "other";
    CHECK(Curl({"-H", std::string("Authorization: Bearer ") + kToken}, other).status == 404);
  }

  SUBCASE("the sync API still answers /metrics only to a signed request") {
    CHECK(Curl({}, o.Url() + "/metrics").status == 401);
  }

  SUBCASE("with the token, every line parses and every metric is there") {
    const Curled scraped = Curl({"-H", std::string("Authorization: Bearer ") + kToken}, url);
    REQUIRE(scraped.status == 200);
    const Exposition metrics = ParseExposition(scraped.body);
    INFO(scraped.body);
    REQUIRE(metrics.error == "");
    for (const char* name :
         {"gongkai_hub_build_info", "gongkai_hub_start_time_seconds",
          "gongkai_hub_envelopes_accepted_total", "gongkai_hub_envelopes_duplicate_total",
          "gongkai_hub_envelopes_refused_total", "gongkai_hub_requests_refused_total",
          "gongkai_hub_http_responses_total", "gongkai_hub_log_size",
          "gongkai_hub_last_envelope_received_timestamp_seconds",
          "gongkai_hub_envelopes_refused_stored", "gongkai_hub_nodes",
          "gongkai_hub_nodes_revoked", "gongkai_hub_nodes_stale", "gongkai_hub_stale_days",
          "gongkai_hub_filesystem_avail_bytes", "gongkai_hub_filesystem_size_bytes"}) {
      CHECK_MESSAGE(metrics.types.count(name) == 1, name);
    }
    // The values say what happened.
    const Sample* nodes = metrics.Find("gongkai_hub_nodes");
    REQUIRE(nodes != nullptr);
    CHECK(nodes->value == 2);
    const Sample* accepted = metrics.Find("gongkai_hub_envelopes_accepted_total");
    REQUIRE(accepted != nullptr);
    CHECK(accepted->value >= 1);
    const Sample* log_size = metrics.Find("gongkai_hub_log_size");
    REQUIRE(log_size != nullptr);
    CHECK(log_size->value == static_cast<double>(o.Count("hub", "SELECT count(*) FROM log_entry")));
    const Sample* ok_answers = metrics.Find("gongkai_hub_http_responses_total", {{"class", "2xx"}});
    REQUIRE(ok_answers != nullptr);
    CHECK(ok_answers->value >= 3);  // three syncs, each a push and a pull at least
    const Sample* build = metrics.Find("gongkai_hub_build_info", {{"version", GONGKAI_TEST_VERSION}});
    CHECK(build != nullptr);
    const Sample* stale = metrics.Find("gongkai_hub_nodes_stale");
    REQUIRE(stale != nullptr);
    CHECK(stale->value == 1);  // the township: a pull leaves no trace at the hub
    const Sample* free_bytes = metrics.Find("gongkai_hub_filesystem_avail_bytes");
    REQUIRE(free_bytes != nullptr);
    CHECK(free_bytes->value > 0);
    CHECK(metrics.Find("gongkai_hub_tls_certificate_expiry_timestamp_seconds") == nullptr);
  }
  o.StopHub();
}

TEST_CASE("a scrape of a hub serving https reports when its certificate expires") {
  TempDir dir;
  Office o(dir.path());
  o.InitCounty();
  {
    RunResult made = RunProgram(dir.path(), "gongkai-hub", {"tls", "init", "--home", "hub"});
    INFO(made.out << made.err);
    REQUIRE(made.exit_code == 0);
  }
  const std::string hub = (dir.path() / "hub").string();
  o.StartHub(0, {"--tls-cert", hub + "/tls.crt", "--tls-key", hub + "/tls.key",
                 "--metrics-listen", "127.0.0.1:0"});
  const std::string line = o.ReadHubLine();
  const std::string prefix = "metrics on 127.0.0.1:";
  REQUIRE(line.starts_with(prefix));
  const Curled scraped =
      Curl({}, "http://127.0.0.1:" + line.substr(prefix.size()) + "/metrics");
  REQUIRE(scraped.status == 200);
  const Exposition metrics = ParseExposition(scraped.body);
  REQUIRE(metrics.error == "");
  const Sample* expiry = metrics.Find("gongkai_hub_tls_certificate_expiry_timestamp_seconds");
  REQUIRE(expiry != nullptr);
  // Made now, valid for kTlsCertificateValidDays (ten years): between nine and eleven from now.
  const double now = static_cast<double>(std::time(nullptr));
  CHECK(expiry->value > now + 9.0 * 365 * 86400);
  CHECK(expiry->value < now + 11.0 * 365 * 86400);
  CHECK(metrics.Find("gongkai_hub_last_envelope_received_timestamp_seconds") != nullptr);
  o.StopHub();
}

TEST_CASE("a token file others can read, or a short token, stops serve before it listens") {
  TempDir dir;
  Office o(dir.path());
  o.InitCounty();
  const std::string token = WriteToken(dir.path(), 0644);
  RunResult r = o.Hub({"serve", "--listen", "127.0.0.1:0", "--metrics-listen", "127.0.0.1:0",
                       "--metrics-token-file", token});
  CHECK(r.exit_code != 0);
  CHECK(r.err.find("chmod 600") != std::string::npos);
  CHECK(r.out.find("listening on") == std::string::npos);
  {
    std::ofstream out(token);
    out << "short\n";
  }
  REQUIRE(chmod(token.c_str(), 0600) == 0);
  r = o.Hub({"serve", "--listen", "127.0.0.1:0", "--metrics-listen", "127.0.0.1:0",
             "--metrics-token-file", token});
  CHECK(r.exit_code != 0);
  CHECK(r.err.find("16") != std::string::npos);
}

}  // namespace
}  // namespace gongkai::testing
