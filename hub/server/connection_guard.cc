// ConnectionGuard (hub/server/connection_guard.h).
#include "hub/server/connection_guard.h"

#include <sys/socket.h>

#include <chrono>
#include <iterator>

namespace gongkai {

Status ConnectionGuard::Admit(int fd, const std::string& address, int port,
                              Clock::time_point now, uint64_t* id) {
  std::lock_guard lock(mutex_);
  // The kernel hands out a closed socket's number again: an entry still holding `fd` is
  // of a connection already closed, and must not be shut down as if it were the new one.
  for (auto& [key, connection] : connections_) {
    if (connection.fd == fd) connection.cut = true;
  }
  if (static_cast<int>(connections_.size()) >= limits_.max_connections) {
    return Status::Unavailable(kErrServeBusy, "hub has " + std::to_string(connections_.size()) +
                                                  " connections open, its limit");
  }
  int& from_address = per_address_[address];
  if (from_address >= limits_.max_per_address) {
    return Status::Unavailable(kErrServeBusy, "address " + address + " has " +
                                                  std::to_string(from_address) +
                                                  " connections open, its limit");
  }
  ++from_address;
  *id = next_id_++;
  connections_.emplace(*id, Connection{fd, address, port, true, false, now,
                                       Clock::time_point::max()});
  return Status::Ok();
}

void ConnectionGuard::Started(uint64_t id, Clock::time_point now) {
  std::lock_guard lock(mutex_);
  auto it = connections_.find(id);
  if (it == connections_.end()) return;
  it->second.head_started = now;
  it->second.deadline = now + std::chrono::milliseconds(limits_.head_deadline_ms);
}

ConnectionGuard::Connection* ConnectionGuard::Find(const std::string& address, int port) {
  for (auto& [key, connection] : connections_) {
    if (!connection.cut && connection.port == port && connection.address == address) {
      return &connection;
    }
  }
  return nullptr;
}

void ConnectionGuard::HeadRead(const std::string& address, int port, Clock::time_point now) {
  std::lock_guard lock(mutex_);
  Connection* connection = Find(address, port);
  if (connection == nullptr) return;
  connection->in_head = false;
  (void)now;
  connection->deadline =
      connection->head_started + std::chrono::milliseconds(limits_.request_deadline_ms);
}

void ConnectionGuard::RequestDone(const std::string& address, int port, Clock::time_point now) {
  std::lock_guard lock(mutex_);
  Connection* connection = Find(address, port);
  if (connection == nullptr) return;
  connection->in_head = true;
  connection->head_started = now;
  connection->deadline = now + std::chrono::milliseconds(limits_.head_deadline_ms);
}

void ConnectionGuard::Release(uint64_t id) {
  std::lock_guard lock(mutex_);
  auto it = connections_.find(id);
  if (it == connections_.end()) return;
  auto count = per_address_.find(it->second.address);
  if (count != per_address_.end() && --count->second <= 0) per_address_.erase(count);
  connections_.erase(it);
}

int ConnectionGuard::CutOverdue(Clock::time_point now, const std::string& head_refusal) {
  std::lock_guard lock(mutex_);
  int cut = 0;
  for (auto& [key, connection] : connections_) {
    if (connection.cut || now < connection.deadline) continue;
    if (connection.in_head && !head_refusal.empty()) {
      (void)::send(connection.fd, head_refusal.data(), head_refusal.size(),
                   MSG_NOSIGNAL | MSG_DONTWAIT);
    }
    ::shutdown(connection.fd, SHUT_RDWR);
    connection.cut = true;
    ++cut;
  }
  return cut;
}

int ConnectionGuard::open() const {
  std::lock_guard lock(mutex_);
  return static_cast<int>(connections_.size());
}

int ConnectionGuard::open_from(const std::string& address) const {
  std::lock_guard lock(mutex_);
  auto it = per_address_.find(address);
  return it == per_address_.end() ? 0 : it->second;
}

}  // namespace gongkai
