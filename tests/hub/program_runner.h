// Runs the real `gongkai` and `gongkai-hub` programs for command-level tests: each run's
// exit code, stdout and stderr, with no shell between (arguments are passed as they are).
#ifndef GONGKAI_TESTS_HUB_PROGRAM_RUNNER_H_
#define GONGKAI_TESTS_HUB_PROGRAM_RUNNER_H_

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace gongkai::testing {

struct RunResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// The number in environment variable `name` (the soak and trial tests' GONGKAI_* sizes), or
// `fallback` when it is unset or empty.
inline int64_t EnvInt(const char* name, int64_t fallback) {
  const char* text = std::getenv(name);
  return text != nullptr && *text != '\0' ? std::atoll(text) : fallback;
}

inline std::string ProgramPath(const std::string& name) {
  return std::string(GONGKAI_BINARY_DIR) + (name == "gongkai" ? "/node/gongkai" : "/hub/gongkai-hub");
}

inline std::string Slurp(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// Runs `program` ("gongkai" or "gongkai-hub") with `args` in `work_dir`.
inline RunResult RunProgram(const std::filesystem::path& work_dir, const std::string& program,
                            const std::vector<std::string>& args) {
  const std::filesystem::path out_file = work_dir / ".run.out";
  const std::filesystem::path err_file = work_dir / ".run.err";
  const std::string path = ProgramPath(program);
  const pid_t child = fork();
  if (child == 0) {
    if (chdir(work_dir.c_str()) != 0) _exit(126);
    int out = open(out_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    int err = open(err_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    int in = open("/dev/null", O_RDONLY);
    dup2(out, 1);
    dup2(err, 2);
    dup2(in, 0);
    std::vector<char*> argv;
    argv.push_back(const_cast<char*>(path.c_str()));
    for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    execv(path.c_str(), argv.data());
    _exit(127);
  }
  RunResult result;
  int status = 0;
  if (child > 0 && waitpid(child, &status, 0) == child && WIFEXITED(status)) {
    result.exit_code = WEXITSTATUS(status);
  }
  result.out = Slurp(out_file);
  result.err = Slurp(err_file);
  return result;
}

}  // namespace gongkai::testing

#endif  // GONGKAI_TESTS_HUB_PROGRAM_RUNNER_H_
