# Generate the knowledge-base starter set (kb/*.md, README.md excluded) as C: one NUL-terminated
# byte array per article and `sd_kb_starter[]` naming them (struct sd_kb_file, src/kb/kb_int.h).
# Run at build time, so the articles in kb/ are the only copy in the tree.
# Usage: cmake -DKB_DIR=dir -DOUT=file.c -P kb_embed.cmake
file(GLOB names RELATIVE "${KB_DIR}" "${KB_DIR}/*.md")
list(REMOVE_ITEM names README.md)
list(SORT names)
set(arrays "")
set(table "")
set(i 0)
foreach(n ${names})
  file(READ "${KB_DIR}/${n}" hex HEX)
  if(hex MATCHES "^(..)*00")
    message(FATAL_ERROR "kb/${n} contains a NUL byte")
  endif()
  string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," body "${hex}")
  string(REGEX REPLACE "((0x..,){16})" "\\1\n" body "${body}")
  string(APPEND arrays "static const unsigned char kb_${i}[] = {\n${body}0x00};\n")
  string(APPEND table "    {\"${n}\", (const char *)kb_${i}},\n")
  math(EXPR i "${i} + 1")
endforeach()
file(WRITE "${OUT}.tmp"
     "/* generated from the kb/ articles by cmake/kb_embed.cmake; do not edit */\n"
     "#include \"kb_int.h\"\n\n${arrays}\n"
     "const struct sd_kb_file sd_kb_starter[] = {\n${table}};\n"
     "const size_t sd_kb_starter_n = sizeof(sd_kb_starter) / sizeof(sd_kb_starter[0]);\n")
file(COPY_FILE "${OUT}.tmp" "${OUT}" ONLY_IF_DIFFERENT)
file(REMOVE "${OUT}.tmp")
