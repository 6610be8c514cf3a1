#include "protocol/changeset_format.h"

#include <string>

namespace gongkai {

namespace {

constexpr uint8_t kTableHeader = 'T';
constexpr uint8_t kPatchsetHeader = 'P';
constexpr uint8_t kOpInsert = 18;  // SQLITE_INSERT
constexpr uint8_t kOpDelete = 9;   // SQLITE_DELETE
constexpr uint8_t kOpUpdate = 23;  // SQLITE_UPDATE
constexpr size_t kMaxVarintBytes = 4;

class Scanner {
 public:
  explicit Scanner(ByteView data) : data_(data) {}

  bool at_end() const { return pos_ == data_.size(); }

  Status Malformed(const std::string& what) const {
    return Status::Invalid(kErrChangesetMalformed,
                           "malformed changeset at byte " + std::to_string(pos_) + ": " + what);
  }

  Result<uint8_t> Byte(const char* what) {
    if (pos_ >= data_.size()) return Malformed(std::string("ends where ") + what + " should be");
    return data_[pos_++];
  }

  Status Skip(size_t n, const char* what) {
    if (n > data_.size() - pos_) {
      return Malformed(std::string(what) + " needs " + std::to_string(n) + " bytes, " +
                       std::to_string(data_.size() - pos_) + " left");
    }
    pos_ += n;
    return Status::Ok();
  }

  Result<size_t> Varint(const char* what) {
    size_t value = 0;
    for (size_t i = 0; i < kMaxVarintBytes; ++i) {
      GK_ASSIGN_OR_RETURN(uint8_t b, Byte(what));
      value = value << 7 | (b & 0x7f);
      if ((b & 0x80) == 0) return value;
    }
    return Malformed(std::string(what) + " is a varint longer than 4 bytes");
  }

  Result<size_t> Header() {
    GK_ASSIGN_OR_RETURN(uint8_t kind, Byte("a table header"));
    if (kind == kPatchsetHeader) {
      --pos_;
      return Malformed("a patchset table header ('P'); only changesets are accepted");
    }
    if (kind != kTableHeader) {
      --pos_;
      return Malformed("expected a table header ('T'), found byte " + std::to_string(kind));
    }
    GK_ASSIGN_OR_RETURN(size_t columns, Varint("the column count"));
    if (columns == 0 || columns > kMaxChangesetColumns) {
      return Malformed("column count " + std::to_string(columns) + " is not 1.." +
                       std::to_string(kMaxChangesetColumns));
    }
    GK_RETURN_IF_ERROR(Skip(columns, "the primary-key flags"));
    const size_t name_at = pos_;
    while (pos_ < data_.size() && data_[pos_] != 0 && pos_ - name_at <= kMaxChangesetTableName) {
      ++pos_;
    }
    if (pos_ - name_at > kMaxChangesetTableName) {
      return Malformed("table name longer than " + std::to_string(kMaxChangesetTableName) +
                       " bytes");
    }
    if (pos_ == data_.size()) return Malformed("table name without its terminating NUL");
    if (pos_ == name_at) return Malformed("empty table name");
    ++pos_;  // the NUL
    return columns;
  }

  Status Record(size_t columns) {
    for (size_t i = 0; i < columns; ++i) {
      GK_ASSIGN_OR_RETURN(uint8_t type, Byte("a value type"));
      switch (type) {
        case 0x00:  // absent
        case 0x05:  // NULL
          break;
        case 0x01:  // integer
        case 0x02:  // real
          GK_RETURN_IF_ERROR(Skip(8, "a number"));
          break;
        case 0x03:
        case 0x04: {
          GK_ASSIGN_OR_RETURN(size_t n, Varint("a value length"));
          GK_RETURN_IF_ERROR(Skip(n, type == 0x03 ? "a text value" : "a blob value"));
          break;
        }
        default:
          --pos_;
          return Malformed("unknown value type " + std::to_string(type));
      }
    }
    return Status::Ok();
  }

  Status Change(size_t columns) {
    GK_ASSIGN_OR_RETURN(uint8_t op, Byte("an operation"));
    if (op != kOpInsert && op != kOpDelete && op != kOpUpdate) {
      --pos_;
      return Malformed("unknown operation " + std::to_string(op));
    }
    GK_ASSIGN_OR_RETURN(uint8_t indirect, Byte("the indirect flag"));
    if (indirect > 1) {
      --pos_;
      return Malformed("indirect flag " + std::to_string(indirect) + " is not 0 or 1");
    }
    if (op == kOpUpdate) GK_RETURN_IF_ERROR(Record(columns));
    return Record(columns);
  }

  uint8_t Peek() const { return data_[pos_]; }

 private:
  ByteView data_;
  size_t pos_ = 0;
};

}  // namespace

Result<size_t> ScanChangeset(ByteView changeset, size_t max_changes) {
  Scanner scanner(changeset);
  size_t changes = 0;
  if (scanner.at_end()) return changes;
  GK_ASSIGN_OR_RETURN(size_t columns, scanner.Header());
  while (!scanner.at_end()) {
    const uint8_t next = scanner.Peek();
    if (next == kTableHeader || next == kPatchsetHeader) {
      GK_ASSIGN_OR_RETURN(columns, scanner.Header());
      continue;
    }
    if (++changes > max_changes) {
      return Status::TooLarge(kErrChangesetTooMany, "changeset holds more than " +
                                                        std::to_string(max_changes) + " changes");
    }
    GK_RETURN_IF_ERROR(scanner.Change(columns));
  }
  return changes;
}

}  // namespace gongkai
