# Writes a C++ source that holds each built-in law's JSON spec, keyed by the file's stem.
# Invoked as: cmake -DOUT=<file.cpp> -DLAWS=<a.json;b.json> -P embed_laws.cmake
set(body "// Generated from host/law/builtin/*.json by cmake/embed_laws.cmake. Do not edit.\n")
string(APPEND body "#include <map>\n#include <string>\n\nnamespace slfit::detail {\n\n")
string(APPEND body "const std::map<std::string, std::string>& builtin_law_specs() {\n")
string(APPEND body "  static const std::map<std::string, std::string> specs = {\n")
foreach(law IN LISTS LAWS)
  get_filename_component(name ${law} NAME_WE)
  file(READ ${law} text)
  string(APPEND body "    {\"${name}\", R\"slfit_json(${text})slfit_json\"},\n")
endforeach()
string(APPEND body "  };\n  return specs;\n}\n\n}  // namespace slfit::detail\n")
file(WRITE ${OUT}.tmp "${body}")
file(RENAME ${OUT}.tmp ${OUT})
