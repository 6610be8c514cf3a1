// Test support: running the built `gongkai` and `gongkai-hub` binaries as child processes.
// Every child is stopped (SIGKILL if still running) and waited for by its owner's destructor.
#ifndef GONGKAI_TESTS_HUB_CHILD_PROCESS_H_
#define GONGKAI_TESTS_HUB_CHILD_PROCESS_H_

#include <doctest/doctest.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <string>
#include <vector>

namespace gongkai::testing {

inline std::string NodeBinary() { return std::string(GONGKAI_BINARY_DIR) + "/node/gongkai"; }
inline std::string HubBinary() { return std::string(GONGKAI_BINARY_DIR) + "/hub/gongkai-hub"; }

// A child whose stdout is a pipe and whose stderr goes to `stderr_path` (or /dev/null).
class ChildProcess {
 public:
  ChildProcess(const std::vector<std::string>& argv, const std::string& stderr_path = "/dev/null") {
    int out[2];
    REQUIRE(pipe(out) == 0);
    pid_ = fork();
    REQUIRE(pid_ >= 0);
    if (pid_ == 0) {
      dup2(out[1], 1);
      close(out[0]);
      close(out[1]);
      int err = open(stderr_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
      if (err >= 0) dup2(err, 2);
      std::vector<char*> args;
      for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
      args.push_back(nullptr);
      execv(args[0], args.data());
      _exit(127);
    }
    close(out[1]);
    stdout_ = fdopen(out[0], "r");
  }
  ~ChildProcess() {
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
    if (stdout_ != nullptr) std::fclose(stdout_);
  }
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  pid_t pid() const { return pid_; }
  // One line of stdout without its "\n"; empty at the end.
  std::string ReadLine() {
    std::string line;
    int c;
    while ((c = std::fgetc(stdout_)) != EOF && c != '\n') line += static_cast<char>(c);
    return line;
  }
  std::string ReadAll() {
    std::string all;
    int c;
    while ((c = std::fgetc(stdout_)) != EOF) all += static_cast<char>(c);
    return all;
  }
  // Waits for the exit; returns the exit code, or 128 + signal.
  int Wait() {
    int status = 0;
    REQUIRE(waitpid(pid_, &status, 0) == pid_);
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }

 private:
  pid_t pid_ = -1;
  std::FILE* stdout_ = nullptr;
};

struct CommandResult {
  int exit_code = -1;
  std::string out;
};

inline CommandResult RunCommand(const std::vector<std::string>& argv) {
  ChildProcess child(argv);
  CommandResult result;
  result.out = child.ReadAll();
  result.exit_code = child.Wait();
  return result;
}

}  // namespace gongkai::testing

#endif  // GONGKAI_TESTS_HUB_CHILD_PROCESS_H_
