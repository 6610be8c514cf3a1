// Benchmark support: a TCP relay on 127.0.0.1 that forwards every connection to a server
// port and counts the bytes each way, so that a benchmark can report what a sync puts on
// the wire (HTTP request and status lines, headers and bodies alike).
//
// Thread-safety: Start and Stop from one thread; the counters from any.
#ifndef GONGKAI_TESTS_BENCH_BYTE_COUNTING_PROXY_H_
#define GONGKAI_TESTS_BENCH_BYTE_COUNTING_PROXY_H_

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <mutex>
#include <thread>
#include <vector>

namespace gongkai::bench {

class ByteCountingProxy {
 public:
  // Listens on a free port of 127.0.0.1 and relays to 127.0.0.1:`server_port`.
  // Returns false when no socket could be bound.
  bool Start(int server_port) {
    server_port_ = server_port;
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    if (listen_fd_ < 0) return false;
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = 0;
    if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
        ::listen(listen_fd_, 16) != 0) {
      return false;
    }
    socklen_t length = sizeof address;
    ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&address), &length);
    port_ = ntohs(address.sin_port);
    acceptor_ = std::thread([this] { Accept(); });
    return true;
  }

  // Closes the listening socket and waits for every relayed connection to end.
  void Stop() {
    stopping_ = true;
    if (acceptor_.joinable()) acceptor_.join();
    if (listen_fd_ >= 0) ::close(listen_fd_);
    listen_fd_ = -1;
    std::lock_guard lock(mutex_);
    for (std::thread& relay : relays_) relay.join();
    relays_.clear();
  }

  ~ByteCountingProxy() { Stop(); }

  int port() const { return port_; }
  uint64_t sent() const { return sent_; }          // client to server
  uint64_t received() const { return received_; }  // server to client
  uint64_t connections() const { return connections_; }
  void Reset() { sent_ = received_ = connections_ = 0; }

 private:
  void Accept() {
    while (!stopping_) {
      pollfd listening{listen_fd_, POLLIN, 0};
      if (::poll(&listening, 1, 50) <= 0) continue;
      const int client = ::accept(listen_fd_, nullptr, nullptr);
      if (client < 0) continue;
      const int server = ::socket(AF_INET, SOCK_STREAM, 0);
      sockaddr_in address{};
      address.sin_family = AF_INET;
      address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
      address.sin_port = htons(static_cast<uint16_t>(server_port_));
      if (::connect(server, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
        ::close(server);
        ::close(client);
        continue;
      }
      ++connections_;
      std::lock_guard lock(mutex_);
      relays_.emplace_back([this, client, server] { Relay(client, server); });
    }
  }

  // Copies both ways until either side closes (or Stop is called while both are idle).
  void Relay(int client, int server) {
    std::vector<char> buffer(1 << 16);
    pollfd fds[2] = {{client, POLLIN, 0}, {server, POLLIN, 0}};
    bool open = true;
    while (open) {
      const int ready = ::poll(fds, 2, 50);
      if (ready == 0) {
        if (stopping_) break;
        continue;
      }
      if (ready < 0) break;
      for (int side = 0; side < 2 && open; ++side) {
        if (fds[side].revents == 0) continue;
        const ssize_t n = ::read(fds[side].fd, buffer.data(), buffer.size());
        if (n <= 0) {
          open = false;
          break;
        }
        (side == 0 ? sent_ : received_) += static_cast<uint64_t>(n);
        const int to = side == 0 ? server : client;
        for (ssize_t done = 0; done < n;) {
          const ssize_t w = ::write(to, buffer.data() + done, static_cast<size_t>(n - done));
          if (w <= 0) {
            open = false;
            break;
          }
          done += w;
        }
      }
    }
    ::close(client);
    ::close(server);
  }

  int server_port_ = 0;
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  std::atomic<uint64_t> sent_{0};
  std::atomic<uint64_t> received_{0};
  std::atomic<uint64_t> connections_{0};
  std::thread acceptor_;
  std::mutex mutex_;
  std::vector<std::thread> relays_;
};

}  // namespace gongkai::bench

#endif  // GONGKAI_TESTS_BENCH_BYTE_COUNTING_PROXY_H_
