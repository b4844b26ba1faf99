# cmake -DIN=config/redline.toml -DOUT=<file> -P PackagedConfig.cmake
# Writes the packaged /etc/redline/redline.toml from the example: a header saying that it watches
# nothing until edited, the example with its "sources" part (between "# >>> sources" and
# "# <<< sources") commented out, and the state paths of the systemd unit, so that `redline` run by an
# administrator opens the daemon's store.
file(STRINGS "${IN}" lines ENCODING UTF-8)
set(out "# This file watches nothing until you edit it: uncomment the [[feed]] below (DW's Chinese service),\n")
string(APPEND out "# or add [[feed]] and [[watch]] tables, check with `redline config check`, then\n")
string(APPEND out "# `systemctl reload redline`. Reference: man redline.toml, /usr/share/doc/redline/configuration.md\n")
set(inside FALSE)
foreach(line IN LISTS lines)
  if(line MATCHES "^# >>> sources")
    set(inside TRUE)
    continue()
  elseif(line MATCHES "^# <<< sources")
    set(inside FALSE)
    continue()
  endif()
  if(inside AND NOT line MATCHES "^#" AND NOT line STREQUAL "")
    string(APPEND out "# ${line}\n")
  else()
    string(APPEND out "${line}\n")
  endif()
endforeach()
string(APPEND out "
# Where the service keeps its state (the unit's StateDirectory= and LogsDirectory=).
[store]
path = \"/var/lib/redline/redline.db\"

[difflog]
path = \"/var/log/redline/diff.log\"
jsonl_path = \"/var/log/redline/diff.jsonl\"
")
file(WRITE "${OUT}" "${out}")
