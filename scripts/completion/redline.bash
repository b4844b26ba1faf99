# bash completion for redline. The commands and options are read from `redline --help` (and
# `redline COMMAND --help`), so this file never falls behind the program.
_redline_words() {
  # The SUBCOMMANDS: and OPTIONS: entries of a CLI11 help text.
  "$@" --help 2>/dev/null | awk '
    /^[A-Z]+:/ { section = $1; next }
    section == "SUBCOMMANDS:" && /^  [a-z]/ { print $1 }
    section == "OPTIONS:" && /^  +-/ { for (i = 1; i <= NF; i++) if ($i ~ /^--?[a-zA-Z]/) { sub(/,$/, "", $i); print $i } }'
}

_redline() {
  local cur prev words cword
  _init_completion || return
  case $prev in
    --config) _filedir toml; return ;;
    --format) COMPREPLY=($(compgen -W "text json jsonl ansi html" -- "$cur")); return ;;
  esac
  # The command path typed so far (words that are not options or their values).
  local path=() i
  for ((i = 1; i < cword; i++)); do
    case ${words[i]} in
      --config | --format) ((i++)) ;;
      -*) ;;
      *) path+=("${words[i]}") ;;
    esac
  done
  local candidates
  candidates=$(_redline_words "${words[0]}" "${path[@]}")
  if [[ $cur == -* || -z $candidates ]]; then
    COMPREPLY=($(compgen -W "$candidates" -- "$cur"))
    [[ $cur != -* ]] && _filedir
  else
    COMPREPLY=($(compgen -W "$candidates" -- "$cur"))
  fi
}
complete -F _redline redline
