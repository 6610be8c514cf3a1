# Fails when a source of one library includes a header of a library it does not link.
#
#   cmake -DFOLDER=node/workflow -DALLOWED="protocol;node/replica;..." -DTOP=<source dir>
#         [-DSTAMP=<file to touch on success>] -P check_layer.cmake
#
# ALLOWED names libraries by folder, or single headers by path ("protocol/status.h").
# A header's library is named by its path: "protocol/x.h" and "printing/x.h" by their first
# folder, "node/replica/x.h" and "hub/log/x.h" by their first two. System and third-party
# headers (<...>) are not checked; "tests/..." headers are never allowed in a library.
# Every offending line is listed (file:line and the header), then the check fails.
cmake_minimum_required(VERSION 3.25)
foreach(required FOLDER TOP)
  if(NOT DEFINED ${required})
    message(FATAL_ERROR "check_layer.cmake: -D${required}= is required")
  endif()
endforeach()
list(APPEND ALLOWED ${FOLDER})
file(GLOB sources ${TOP}/${FOLDER}/*.h ${TOP}/${FOLDER}/*.cc)
set(violations "")
foreach(source ${sources})
  file(STRINGS ${source} lines REGEX "^[ \t]*#[ \t]*include[ \t]*\"")
  file(RELATIVE_PATH relative ${TOP} ${source})
  foreach(line ${lines})
    string(REGEX REPLACE "^[ \t]*#[ \t]*include[ \t]*\"([^\"]*)\".*$" "\\1" header "${line}")
    if(header MATCHES "^(protocol|printing)/")
      string(REGEX REPLACE "^([a-z]+)/.*$" "\\1" library "${header}")
    elseif(header MATCHES "^(node|hub)/[a-z_]+/")
      string(REGEX REPLACE "^([a-z]+/[a-z_]+)/.*$" "\\1" library "${header}")
    elseif(header MATCHES "^(tests|node|hub)/")
      set(library "${header}")
    else()
      continue()  # a header beside the source, or a third-party one
    endif()
    list(FIND ALLOWED "${library}" found)
    list(FIND ALLOWED "${header}" found_header)
    if(found EQUAL -1 AND found_header EQUAL -1)
      string(APPEND violations "\n  ${relative}: #include \"${header}\" (${library} is not below ${FOLDER})")
    endif()
  endforeach()
endforeach()
if(violations)
  string(REPLACE ";" ", " allowed_text "${ALLOWED}")
  message(FATAL_ERROR "layer check: ${FOLDER} may include only ${allowed_text}:${violations}")
endif()
if(DEFINED STAMP)
  file(TOUCH ${STAMP})
endif()
