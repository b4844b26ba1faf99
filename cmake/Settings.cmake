# ccache, when installed, makes rebuilds and extra work trees cheap (CCACHE_BASEDIR lets trees share hits).
find_program(REDLINE_CCACHE ccache)
if(REDLINE_CCACHE AND NOT CMAKE_CXX_COMPILER_LAUNCHER)
  set(CMAKE_C_COMPILER_LAUNCHER ${REDLINE_CCACHE})
  set(CMAKE_CXX_COMPILER_LAUNCHER ${REDLINE_CCACHE})
endif()

# Two INTERFACE targets that only redline's own targets link: compile settings and warnings.
add_library(redline_settings INTERFACE)
target_include_directories(redline_settings INTERFACE ${PROJECT_SOURCE_DIR}/lib)
target_compile_definitions(redline_settings INTERFACE
  REDLINE_VERSION="${PROJECT_VERSION}" SPDLOG_FMT_EXTERNAL BOOST_ASIO_NO_DEPRECATED)
if(REDLINE_SANITIZE)
  target_compile_options(redline_settings INTERFACE -fsanitize=address,undefined -fno-omit-frame-pointer
                                                    -fno-sanitize-recover=undefined)
  target_link_options(redline_settings INTERFACE -fsanitize=address,undefined)
endif()

add_library(redline_warnings INTERFACE)
target_compile_options(redline_warnings INTERFACE -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor
                                                  -Wold-style-cast -Wcast-align -Woverloaded-virtual
                                                  -Wimplicit-fallthrough)
if(REDLINE_WERROR)
  target_compile_options(redline_warnings INTERFACE -Werror)
endif()

# redline_module(NAME SOURCES... DEPENDS deps...): one static library per lib/ folder.
function(redline_module name)
  cmake_parse_arguments(M "" "" "SOURCES;DEPENDS" ${ARGN})
  add_library(redline_${name} STATIC ${M_SOURCES})
  target_link_libraries(redline_${name} PUBLIC redline_settings ${M_DEPENDS} PRIVATE redline_warnings)
endfunction()
