# Well-formedness check for the D scripts, for Linux where there is no dtrace(1): the shebang,
# balanced braces/parentheses/brackets outside comments and strings, clause heads made of probe
# descriptions of known providers, predicates, and aggregating functions that exist.
# Usage: awk -f lint.awk FILE.d   (prints problems, exit status 1 if any)
function problem(msg) { printf "%s:%d: %s\n", FILENAME, FNR, msg; bad = 1 }
FNR == 1 && $0 !~ /^#!\/usr\/sbin\/dtrace -q?s$/ { problem("first line is not #!/usr/sbin/dtrace -s") }
FNR == 1 { next }
{
  line = $0; code = ""
  # strip comments (they may span lines) and string literals
  while (line != "") {
    if (in_comment) {
      i = index(line, "*/"); if (!i) { line = ""; break }
      line = substr(line, i + 2); in_comment = 0; continue
    }
    i = index(line, "/*"); j = index(line, "\"")
    if (i && (!j || i < j)) { code = code substr(line, 1, i - 1) " "; line = substr(line, i + 2); in_comment = 1; continue }
    if (j) {
      code = code substr(line, 1, j - 1) "\"\""; line = substr(line, j + 1)
      while (match(line, /^([^"\\]|\\.)*"/) == 0) { problem("unterminated string"); line = ""; break }
      line = substr(line, RLENGTH + 1); continue
    }
    code = code line; line = ""
  }
  for (k = 1; k <= length(code); k++) {
    c = substr(code, k, 1)
    if (c == "{") braces++
    else if (c == "}") { braces--; if (braces < 0) { problem("unbalanced }"); braces = 0 } }
    else if (c == "(") parens++
    else if (c == ")") parens--
    else if (c == "[") brackets++
    else if (c == "]") brackets--
  }
  t = code; gsub(/^[ \t]+|[ \t]+$/, "", t)
  if (t == "") next
  if (depth == 0) {
    # top level: declarations, probe descriptions, predicates, the opening brace
    if (t ~ /^\/.*\/$/ || t == "{") { }
    else if (t ~ /^(int|uint64_t|int64_t|string|self|this|inline|#pragma)[ \t]/) {
      if (t !~ /;$/ && t !~ /^#pragma/) problem("declaration without ;")
    } else {
      n = split(t, descs, /,[ \t]*/)
      for (m = 1; m <= n; m++) {
        dsc = descs[m]
        if (dsc == "") continue
        if (dsc ~ /^(BEGIN|END|ERROR)$/ || dsc ~ /^(profile|tick)-[0-9]+[a-z]*$/) continue
        if (split(dsc, part, ":") != 4) { problem("not a probe description: " dsc); continue }
        if (part[1] !~ /^(syscall|proc|profile|dtrace|pid\$target|holdfast\$target|holdfast\*)$/)
          problem("unknown provider " part[1])
        for (q = 2; q <= 4; q++) if (part[q] !~ /^[A-Za-z0-9_*.-]*$/) problem("bad probe field " part[q])
      }
    }
  } else if (match(t, /@[a-z_]*(\[[^]]*\])? = [a-z_]+\(/)) {
    fn = substr(t, RSTART, RLENGTH); sub(/.*= /, "", fn); sub(/\($/, "", fn)
    if (fn !~ /^(count|sum|avg|min|max|quantize|lquantize|llquantize|stddev)$/)
      problem("unknown aggregating function " fn)
  }
  depth = braces
}
END {
  if (in_comment) problem("unterminated comment")
  if (braces != 0) problem("unbalanced braces at end of file")
  if (parens != 0) problem("unbalanced parentheses at end of file")
  if (brackets != 0) problem("unbalanced brackets at end of file")
  exit bad
}
