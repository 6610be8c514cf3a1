// Synthetic, deterministic import files of any size for crash tests and benchmarks: a
// valid 惠农补贴 list of `rows` households (UTF-8 CSV).
#ifndef GONGKAI_TESTS_NODE_LARGE_LISTS_H_
#define GONGKAI_TESTS_NODE_LARGE_LISTS_H_

#include <cstdint>
#include <cstdio>
#include <string>

#include "node/intake/id_number.h"

namespace gongkai::testing {

inline std::string LargeSubsidyCsv(int rows) {
  static const char* kSurnames[] = {"王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴"};
  static const char* kGiven[] = {"建国", "秀英", "志强", "桂兰", "德华", "玉梅",
                                 "国平", "春花", "学文", "凤英", "明亮", "红霞"};
  std::string csv = "序号,村民小组,户主姓名,身份证号,补贴项目,面积,补贴标准,补贴金额,账号,备注\n";
  for (int i = 0; i < rows; ++i) {
    char body[32];
    // Distinct ids: birth dates from 1940 on, a sequence number in the last 3 digits.
    const int day_index = i / 900;
    std::snprintf(body, sizeof body, "410381%04d%02d%02d%03d", 1940 + day_index / 336,
                  1 + (day_index / 28) % 12, 1 + day_index % 28, i % 900 + 10);
    std::string id(body, 17);
    id += IdCheckCharacter(id);
    const int64_t area = 10000 + (i * 3719) % 90000;  // ten-thousandths of a mu
    const int64_t cents = (area * 10452 + 5000) / 10000;
    char line[256];
    std::snprintf(line, sizeof line, "%d,%d组,%s%s,%s,耕地地力保护补贴,%lld.%04lld,104.52,%lld.%02lld,62284800%08d,\n",
                  i + 1, 1 + i / 50, kSurnames[i % 10], kGiven[(i * 7) % 12], id.c_str(),
                  static_cast<long long>(area / 10000), static_cast<long long>(area % 10000),
                  static_cast<long long>(cents / 100), static_cast<long long>(cents % 100),
                  10000000 + i);
    csv += line;
  }
  return csv;
}

}  // namespace gongkai::testing

#endif  // GONGKAI_TESTS_NODE_LARGE_LISTS_H_
