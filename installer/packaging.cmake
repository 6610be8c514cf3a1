# Debian packages gongkai (the node) and gongkai-hub (the county hub), made with CPack's DEB
# generator from this build tree:
#
#   cmake --build build --target deb        # -> build/packages/gongkai{,-hub}_VERSION_ARCH.deb
#
# (installer/setup.sh --packages runs the same after setting up the machine.) CPack, not a
# debian/ folder with debhelper: the packages come out of the one CMake build the project
# already has, with no second build system to keep in step; what debhelper would add is done
# here by hand and tested (tests/installer/packages_test.sh): maintainer scripts that use
# deb-systemd-helper as dh_installsystemd's do, dpkg-shlibdeps for Depends:, stripped
# binaries, conffiles, the copyright file and the compressed changelog.
#
# Every install() rule of the project is in this file, each in component node or hub.

# 0.1.0, project()'s version, is the release whose packages tests/installer/fixtures hold (the
# upgrade test installs them first); these packages are the next release.
set(GONGKAI_PACKAGE_VERSION ${PROJECT_VERSION} CACHE STRING "Version of the Debian packages")
set(GONGKAI_PACKAGE_MAINTAINER "gongkai maintainers <maintainers@gongkai.example>"
    CACHE STRING "Maintainer: field of the Debian packages")

set(gk_debian ${PROJECT_SOURCE_DIR}/installer/debian)
set(gk_systemd ${PROJECT_SOURCE_DIR}/installer/systemd)
set(gk_generated ${PROJECT_BINARY_DIR}/installer)
# Absolute destinations are the places Debian 12 looks in; CPack's DEB generator stages them.
set(gk_unit_dir /lib/systemd/system)

# --- gongkai (component node) -------------------------------------------------------------
install(TARGETS gongkai RUNTIME DESTINATION bin COMPONENT node)
install(FILES ${gk_systemd}/gongkai-ui.service ${gk_systemd}/gongkai-sync.service
              ${gk_systemd}/gongkai-sync.timer
        DESTINATION ${gk_unit_dir} COMPONENT node)
install(PROGRAMS ${gk_systemd}/gongkai-sync-generator
        DESTINATION /lib/systemd/system-generators COMPONENT node)
install(PROGRAMS ${gk_systemd}/sync-when-linked DESTINATION libexec/gongkai COMPONENT node)
install(FILES ${PROJECT_SOURCE_DIR}/installer/conf/node.conf DESTINATION /etc/gongkai
        COMPONENT node)
install(FILES ${gk_debian}/gongkai.desktop DESTINATION share/applications COMPONENT node)

# --- gongkai-hub (component hub) ----------------------------------------------------------
install(TARGETS gongkai-hub RUNTIME DESTINATION bin COMPONENT hub)
install(FILES ${gk_systemd}/gongkai-hub.service ${gk_systemd}/gongkai-hub-console.service
        DESTINATION ${gk_unit_dir} COMPONENT hub)
install(FILES ${PROJECT_SOURCE_DIR}/installer/conf/hub.conf DESTINATION /etc/gongkai
        COMPONENT hub)

# --- documentation, both packages ---------------------------------------------------------
# Debian wants /usr/share/doc/PACKAGE/copyright and, for a native version, changelog.gz
# compressed with gzip -9n (no name, no time stamp).
string(TIMESTAMP GONGKAI_PACKAGE_DATE "%a, %d %b %Y %H:%M:%S +0000" UTC)
configure_file(${gk_debian}/changelog.in ${gk_generated}/changelog @ONLY)
execute_process(COMMAND gzip -9nc ${gk_generated}/changelog
                OUTPUT_FILE ${gk_generated}/changelog.gz COMMAND_ERROR_IS_FATAL ANY)
foreach(gk_component node hub)
  if(gk_component STREQUAL node)
    set(gk_package gongkai)
  else()
    set(gk_package gongkai-hub)
  endif()
  install(FILES ${gk_debian}/copyright ${gk_generated}/changelog.gz
                ${PROJECT_SOURCE_DIR}/installer/README.md
          DESTINATION share/doc/${gk_package} COMPONENT ${gk_component})
  execute_process(COMMAND gzip -9nc ${PROJECT_SOURCE_DIR}/installer/man/${gk_package}.1
                  OUTPUT_FILE ${gk_generated}/${gk_package}.1.gz COMMAND_ERROR_IS_FATAL ANY)
  install(FILES ${gk_generated}/${gk_package}.1.gz DESTINATION share/man/man1
          COMPONENT ${gk_component})
endforeach()
# The generated files follow their sources at the next build.
set_property(DIRECTORY ${PROJECT_SOURCE_DIR} APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS
             ${gk_debian}/changelog.in ${PROJECT_SOURCE_DIR}/installer/man/gongkai.1
             ${PROJECT_SOURCE_DIR}/installer/man/gongkai-hub.1)

# --- CPack --------------------------------------------------------------------------------
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME gongkai)
set(CPACK_PACKAGE_VERSION ${GONGKAI_PACKAGE_VERSION})
set(CPACK_PACKAGE_CONTACT ${GONGKAI_PACKAGE_MAINTAINER})
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_PACKAGE_DIRECTORY ${PROJECT_BINARY_DIR}/packages)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_COMPONENTS_ALL node hub)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION misc)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS OFF)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
set(CPACK_DEBIAN_COMPRESSION_TYPE xz)

set(CPACK_DEBIAN_NODE_PACKAGE_NAME gongkai)
set(CPACK_DEBIAN_NODE_PACKAGE_SECTION misc)
# Beyond the linked libraries: the sheets' font, lp for printing, the maintainer scripts' tools.
set(CPACK_DEBIAN_NODE_PACKAGE_DEPENDS "fonts-noto-cjk, cups-client, adduser")
set(CPACK_DEBIAN_NODE_PACKAGE_RECOMMENDS "xdg-utils")
set(CPACK_DEBIAN_NODE_PACKAGE_CONTROL_EXTRA
    ${gk_debian}/gongkai/postinst ${gk_debian}/gongkai/prerm ${gk_debian}/gongkai/postrm
    ${gk_debian}/gongkai/conffiles)
set(CPACK_COMPONENT_NODE_DESCRIPTION
    "village and township node for China's disclosure boards (公开栏)
gongkai keeps a replica of its village's or township's disclosures
(村务, 财务, 惠农补贴) that works offline, syncs with the county hub
whenever a link exists or through USB bundles, and prints the A3 sheets
for the notice board.

This package installs the gongkai command, its web interface
(gongkai-ui.service, on 127.0.0.1), a timer that syncs with the county
hub (gongkai-sync.timer) and the desktop entry 公开栏.
Data: /var/lib/gongkai; settings: /etc/gongkai/node.conf.")

set(CPACK_DEBIAN_HUB_PACKAGE_NAME gongkai-hub)
set(CPACK_DEBIAN_HUB_PACKAGE_SECTION net)
set(CPACK_DEBIAN_HUB_PACKAGE_DEPENDS "adduser")
set(CPACK_DEBIAN_HUB_PACKAGE_CONTROL_EXTRA
    ${gk_debian}/gongkai-hub/postinst ${gk_debian}/gongkai-hub/prerm
    ${gk_debian}/gongkai-hub/postrm ${gk_debian}/gongkai-hub/conffiles)
set(CPACK_COMPONENT_HUB_DESCRIPTION
    "county hub for China's disclosure boards (公开栏)
gongkai-hub is the county office's always-on node: it enrols and revokes the
township and village machines, stores and forwards their signed disclosures,
keeps the county audit log (an RFC 6962 Merkle tree with signed checkpoints)
and answers the county's audit queries.

This package installs the gongkai-hub command, the sync API
(gongkai-hub.service) and the county office's console
(gongkai-hub-console.service). Data: /var/lib/gongkai-hub; settings:
/etc/gongkai/hub.conf.")

include(CPack)

# The one command that makes both packages: builds the two programs only (not the tests),
# then runs CPack on this build tree.
add_custom_target(deb
  COMMAND ${CMAKE_CPACK_COMMAND} --config ${PROJECT_BINARY_DIR}/CPackConfig.cmake
  DEPENDS gongkai gongkai-hub
  WORKING_DIRECTORY ${PROJECT_BINARY_DIR}
  COMMENT "Debian packages in ${PROJECT_BINARY_DIR}/packages"
  VERBATIM USES_TERMINAL)
