#include "node/replica/statement_cache.h"

#include <utility>

namespace gongkai {

Result<StatementCache::Use> StatementCache::Get(std::string_view sql) {
  auto found = statements_.find(sql);
  if (found == statements_.end()) {
    GK_ASSIGN_OR_RETURN(Statement prepared, Statement::Prepare(db_, sql));
    found = statements_.emplace(std::string(sql), std::move(prepared)).first;
  }
  return Use(&found->second);
}

}  // namespace gongkai
