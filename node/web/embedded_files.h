// The templates and assets of node/web, compiled into the program at build time
// (node/web/embed_files.cmake), so the interface needs no data folder.
#ifndef GONGKAI_NODE_WEB_EMBEDDED_FILES_H_
#define GONGKAI_NODE_WEB_EMBEDDED_FILES_H_

#include <optional>
#include <string_view>
#include <vector>

namespace gongkai {

struct EmbeddedFile {
  std::string_view name;  // path below node/web/, e.g. "templates/home.mustache"
  std::string_view data;  // the file's bytes; static storage
};

// Every embedded file (defined in the generated embedded_files_data.cc).
const std::vector<EmbeddedFile>& EmbeddedFiles();

// The bytes of the file `name`, or nullopt.
std::optional<std::string_view> FindEmbeddedFile(std::string_view name);

}  // namespace gongkai

#endif  // GONGKAI_NODE_WEB_EMBEDDED_FILES_H_
