// The Chinese sentence shown to a person for a Status, the same for a command's error line
// and a page's error box.
#ifndef GONGKAI_NODE_APP_STATUS_MESSAGE_H_
#define GONGKAI_NODE_APP_STATUS_MESSAGE_H_

#include <string>

#include "protocol/status.h"

namespace gongkai {

// The Chinese sentence for a status: its message when that is already Chinese, else a
// sentence for its code (or its area) followed by the English detail.
std::string ChineseMessage(const Status& status);

}  // namespace gongkai

#endif  // GONGKAI_NODE_APP_STATUS_MESSAGE_H_
