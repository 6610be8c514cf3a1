// Secret bytes in sodium_malloc'd memory, for derived keys and decrypted seeds.
#ifndef GONGKAI_PROTOCOL_SECRET_BUFFER_H_
#define GONGKAI_PROTOCOL_SECRET_BUFFER_H_

#include <sodium.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "protocol/bytes.h"

namespace gongkai {

// Secret bytes in sodium_malloc'd memory (guard pages, no swap where allowed), wiped by
// sodium_free.
class SecretBuffer {
 public:
  explicit SecretBuffer(size_t size)
      : data_(static_cast<uint8_t*>(sodium_malloc(size))), size_(size) {
    if (data_ == nullptr) std::abort();  // out of memory: nothing sensible to do
  }
  SecretBuffer(const SecretBuffer&) = delete;
  SecretBuffer& operator=(const SecretBuffer&) = delete;
  ~SecretBuffer() { sodium_free(data_); }
  uint8_t* data() { return data_; }
  ByteView view() const { return ByteView(data_, size_); }

 private:
  uint8_t* data_;
  size_t size_;
};

}  // namespace gongkai

#endif  // GONGKAI_PROTOCOL_SECRET_BUFFER_H_
