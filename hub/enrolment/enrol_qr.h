// The enrolment token as a QR code PNG, for the clerk's phone or a printed slip.
//
// Payload (UTF-8 JSON text, keys sorted, via node/json/json_text.h):
//   {"fp":"<64 hex, only with TLS>","hub":"<URL>","name":"...","region":"...",
//    "role":"...","token":"ABCD-..."}
// encoded by printing/qr_code.h (8-bit mode, level M, ECI UTF-8 when the name is Chinese) and
// drawn kQrPngModulePixels pixels per module with the 4-module quiet zone, black on white.
#ifndef GONGKAI_HUB_ENROLMENT_ENROL_QR_H_
#define GONGKAI_HUB_ENROLMENT_ENROL_QR_H_

#include <string>
#include <string_view>

#include "hub/enrolment/enrol_token.h"
#include "protocol/status.h"

namespace gongkai {

inline constexpr int kQrPngModulePixels = 8;

inline constexpr char kErrEnrolQrWrite[] = "enrol.qr_write";  // kIoError

// The payload above for `issued`, `hub_url` ("" leaves "hub" out) and `fingerprint` ("" leaves
// "fp" out).
std::string EnrolQrPayload(const IssuedEnrolToken& issued, std::string_view hub_url,
                           std::string_view fingerprint);

// Writes `payload` as a QR code PNG to `path`. Errors: qr.encode, kErrEnrolQrWrite.
Status WriteQrPng(const std::string& path, std::string_view payload);

}  // namespace gongkai

#endif  // GONGKAI_HUB_ENROLMENT_ENROL_QR_H_
