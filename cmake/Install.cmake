# What `cmake --install` (and so the Debian package, see debian/ and docs/operations.md) puts where:
#   bin/redline, sbin/redlined (a daemon: Debian policy puts it in /usr/sbin; section 8),
#   the systemd unit (REDLINE_SYSTEMD_UNIT_DIR), /etc/redline/redline.toml (inert until edited: see
#   PackagedConfig.cmake), the docs and the webhook schema, man pages generated from the docs with
#   pandoc (redline(1), redlined(8), redline.toml(5)), and bash completion for redline.
set(REDLINE_SYSTEMD_UNIT_DIR "lib/systemd/system" CACHE STRING
    "where the unit goes (relative to the prefix, or absolute: Debian 12 packages use /lib/systemd/system)")

# The packaged configuration, from the example.
set(redline_packaged_config ${PROJECT_BINARY_DIR}/config/redline.toml)
add_custom_command(
  OUTPUT ${redline_packaged_config}
  COMMAND ${CMAKE_COMMAND} -DIN=${PROJECT_SOURCE_DIR}/config/redline.toml -DOUT=${redline_packaged_config} -P
          ${PROJECT_SOURCE_DIR}/cmake/PackagedConfig.cmake
  DEPENDS ${PROJECT_SOURCE_DIR}/config/redline.toml ${PROJECT_SOURCE_DIR}/cmake/PackagedConfig.cmake
  COMMENT "Generating the packaged redline.toml")
add_custom_target(redline_packaged_config ALL DEPENDS ${redline_packaged_config})
# Relative (under the prefix) unless CMAKE_INSTALL_SYSCONFDIR is absolute, as debian/rules sets it: /etc.
install(FILES ${redline_packaged_config} DESTINATION ${CMAKE_INSTALL_SYSCONFDIR}/redline)

# Man pages, from the docs (never written twice). Without pandoc there are none, and a note says so.
find_program(REDLINE_PANDOC pandoc)
set(redline_have_pandoc OFF)
if(REDLINE_PANDOC)
  set(redline_have_pandoc ON)
endif()
option(REDLINE_MAN_PAGES "Generate the man pages from docs/ with pandoc" ${redline_have_pandoc})
if(REDLINE_MAN_PAGES)
  if(NOT REDLINE_PANDOC)
    message(FATAL_ERROR "REDLINE_MAN_PAGES needs pandoc (apt-get install pandoc)")
  endif()
  set(redline_man_pages)
  # name, section, source page, what it is (the NAME line)
  foreach(page "redline;1;cli;review how watched news articles changed: the command-line tool"
               "redlined;8;operations;watch news articles and report how they change: the daemon"
               "redline.toml;5;configuration;configuration file of redline and redlined")
    list(GET page 0 name)
    list(GET page 1 section)
    list(GET page 2 doc)
    list(GET page 3 whatis)
    set(out ${PROJECT_BINARY_DIR}/man/${name}.${section})
    add_custom_command(
      OUTPUT ${out}
      COMMAND ${CMAKE_COMMAND} -DPANDOC=${REDLINE_PANDOC} -DIN=${PROJECT_SOURCE_DIR}/docs/${doc}.md -DOUT=${out}
              -DNAME=${name} -DSECTION=${section} "-DWHATIS=${whatis}" -DVERSION=${PROJECT_VERSION} -P
              ${PROJECT_SOURCE_DIR}/cmake/ManPage.cmake
      DEPENDS ${PROJECT_SOURCE_DIR}/docs/${doc}.md ${PROJECT_SOURCE_DIR}/cmake/ManPage.cmake
              ${PROJECT_SOURCE_DIR}/cmake/man-tables.lua
      COMMENT "Generating man page ${name}(${section}) from docs/${doc}.md")
    list(APPEND redline_man_pages ${out})
    install(FILES ${out} DESTINATION ${CMAKE_INSTALL_MANDIR}/man${section})
  endforeach()
  add_custom_target(redline_man_pages ALL DEPENDS ${redline_man_pages})
else()
  message(STATUS "redline: no man pages (pandoc not found)")
endif()

file(GLOB redline_docs ${PROJECT_SOURCE_DIR}/docs/*.md)
install(FILES ${redline_docs} ${PROJECT_SOURCE_DIR}/docs/webhook-payload.schema.json ${PROJECT_SOURCE_DIR}/README.md
        DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(FILES ${PROJECT_SOURCE_DIR}/scripts/completion/redline.bash
        DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions RENAME redline)
