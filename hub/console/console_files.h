// The county console's templates and style sheet, compiled into the program at build time by
// node/web/embed_files.cmake (hub/console/CMakeLists.txt), as node/web's are.
#ifndef GONGKAI_HUB_CONSOLE_CONSOLE_FILES_H_
#define GONGKAI_HUB_CONSOLE_CONSOLE_FILES_H_

#include <vector>

#include "node/web/embedded_files.h"

namespace gongkai {

// Every file below hub/console/ that is embedded: templates/*.mustache, assets/*.
const std::vector<EmbeddedFile>& ConsoleFiles();

}  // namespace gongkai

#endif  // GONGKAI_HUB_CONSOLE_CONSOLE_FILES_H_
