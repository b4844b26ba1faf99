# cmake -DPANDOC=pandoc -DIN=docs/x.md -DOUT=x.N -DNAME=x -DSECTION=N -DWHATIS="…" -DVERSION=v -P ManPage.cmake
# A man page from a page of docs/, so that the two are never written twice: a NAME section, then the
# page without its "# Title" line, its "## Sections" becoming the man page's sections.
file(READ "${IN}" text)
string(REGEX REPLACE "^# [^\n]*\n" "" text "${text}")
get_filename_component(dir "${OUT}" DIRECTORY)
set(md "${OUT}.md")
file(WRITE "${md}" "## NAME\n\n${NAME} - ${WHATIS}\n\n${text}")
execute_process(
  COMMAND "${PANDOC}" --from markdown-smart --to man --standalone --shift-heading-level-by=-1
          "--lua-filter=${CMAKE_CURRENT_LIST_DIR}/man-tables.lua"
          --metadata "title=${NAME}" --metadata "section=${SECTION}" --metadata "header=redline manual"
          --metadata "footer=redline ${VERSION}" --metadata "date=" --output "${OUT}" "${md}"
  RESULT_VARIABLE rc)
file(REMOVE "${md}")
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "pandoc failed (${rc}) on ${IN}")
endif()
