#include "node/exchange/exchange_order.h"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>
#include <unordered_map>
#include <utility>

namespace gongkai {

namespace {

// The merge of the file comment. Origins are numbered in ascending NodeId order, so
// comparing (hlc, origin number, seq) compares (hlc, origin, seq).
class Merger {
 public:
  Merger(std::span<const OrderItem> items, std::span<const OrderRevocation> revocations)
      : items_(items), emitted_(items.size(), false) {
    std::map<NodeId, uint32_t> numbers;
    for (const OrderItem& item : items) numbers.emplace(item.origin, 0);
    uint32_t next = 0;
    for (auto& [origin, number] : numbers) number = next++;
    queues_.resize(numbers.size());
    origin_of_.resize(items.size());
    for (size_t i = 0; i < items.size(); ++i) {
      origin_of_[i] = numbers.at(items[i].origin);
      queues_[origin_of_[i]].push_back(i);
    }
    for (std::vector<size_t>& queue : queues_) {
      std::sort(queue.begin(), queue.end(),
                [&](size_t a, size_t b) { return items[a].seq < items[b].seq; });
    }
    for (const OrderRevocation& r : revocations) {
      auto revoked = numbers.find(r.revoked);
      // A revoked node with nothing in the bundle gives nothing to wait for.
      if (r.item < items.size() && revoked != numbers.end()) {
        revokes_.emplace(r.item, revoked->second);
      }
    }
    head_.assign(queues_.size(), 0);
    state_.assign(queues_.size(), State::kIdle);
    blocked_key_.resize(queues_.size());
    origin_waiters_.resize(queues_.size());
  }

  std::vector<size_t> Run() {
    std::vector<size_t> order;
    order.reserve(items_.size());
    for (uint32_t o = 0; o < queues_.size(); ++o) Evaluate(o);
    while (order.size() < items_.size()) {
      // Nothing ready means every head waits on another: the smallest goes anyway.
      std::set<Key>& from = ready_.empty() ? blocked_ : ready_;
      Key key = *from.begin();
      from.erase(from.begin());
      Emit(std::get<1>(key), order);
    }
    return order;
  }

 private:
  enum class State { kIdle, kReady, kBlocked, kDone };
  using Key = std::tuple<Hlc, uint32_t, uint64_t>;  // hlc, origin number, seq

  size_t Head(uint32_t o) const { return queues_[o][head_[o]]; }
  Key KeyOf(uint32_t o) const {
    const OrderItem& item = items_[Head(o)];
    return {item.hlc, o, item.seq};
  }
  bool Exhausted(uint32_t o) const { return head_[o] == queues_[o].size(); }

  void Block(uint32_t o) {
    state_[o] = State::kBlocked;
    blocked_key_[o] = KeyOf(o);
    blocked_.insert(blocked_key_[o]);
  }

  // Puts origin o's head in the ready or the blocked set.
  void Evaluate(uint32_t o) {
    if (Exhausted(o)) {
      state_[o] = State::kDone;
      return;
    }
    const size_t i = Head(o);
    const size_t certificate = items_[i].certificate_from;
    // An origin whose certificate comes later in its own chain cannot wait for it without
    // leaving seq order; that certificate is the receiver's to find elsewhere.
    if (certificate < items_.size() && !emitted_[certificate] && origin_of_[certificate] != o) {
      item_waiters_[certificate].push_back(o);
      Block(o);
      return;
    }
    auto [begin, end] = revokes_.equal_range(i);
    for (auto it = begin; it != end; ++it) {
      const uint32_t revoked = it->second;
      if (revoked != o && !Exhausted(revoked)) {
        origin_waiters_[revoked].push_back(o);
        Block(o);
        return;
      }
    }
    state_[o] = State::kReady;
    ready_.insert(KeyOf(o));
  }

  void Wake(std::vector<uint32_t> waiters) {
    for (uint32_t w : waiters) {
      // A waiter forced out earlier may already be ready or waiting on something else;
      // evaluating it again is harmless but only a blocked one needs it.
      if (state_[w] != State::kBlocked) continue;
      blocked_.erase(blocked_key_[w]);
      Evaluate(w);
    }
  }

  // Emits origin o's head, whose key the caller has already taken out of its set.
  void Emit(uint32_t o, std::vector<size_t>& order) {
    const size_t i = Head(o);
    order.push_back(i);
    emitted_[i] = true;
    ++head_[o];
    state_[o] = State::kIdle;
    Evaluate(o);
    if (auto it = item_waiters_.find(i); it != item_waiters_.end()) {
      std::vector<uint32_t> waiters = std::move(it->second);
      item_waiters_.erase(it);
      Wake(std::move(waiters));
    }
    if (Exhausted(o)) Wake(std::exchange(origin_waiters_[o], {}));
  }

  std::span<const OrderItem> items_;
  std::vector<bool> emitted_;
  std::vector<uint32_t> origin_of_;          // item -> origin number
  std::vector<std::vector<size_t>> queues_;  // origin -> items in seq order
  std::multimap<size_t, uint32_t> revokes_;  // item -> origins it revokes
  std::vector<size_t> head_;                 // origin -> position in its queue
  std::vector<State> state_;                 // origin -> state of its head
  std::vector<Key> blocked_key_;             // origin -> its key in blocked_
  std::set<Key> ready_;
  std::set<Key> blocked_;
  std::unordered_map<size_t, std::vector<uint32_t>> item_waiters_;  // item -> origins
  std::vector<std::vector<uint32_t>> origin_waiters_;               // origin -> origins
};

}  // namespace

std::vector<size_t> ExportOrder(std::span<const OrderItem> items,
                                std::span<const OrderRevocation> revocations) {
  return Merger(items, revocations).Run();
}

}  // namespace gongkai
