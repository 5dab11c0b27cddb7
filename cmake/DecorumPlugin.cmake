# decorum_plugin_module(NAME SOURCES...): a decorum plugin as a MODULE library named
# NAME.so that exports only its entry symbol (everything else hidden, so two plugins
# loaded side by side never resolve each other's symbols). Used in-tree by
# plugins/CMakeLists.txt and installed with the SDK for out-of-tree plugins:
#
#   find_package(decorum 0.1 REQUIRED)
#   decorum_plugin_module(my_plugin my_plugin.cc)
function(decorum_plugin_module name)
  add_library(${name} MODULE ${ARGN})
  target_link_libraries(${name} PRIVATE decorum::plugin_sdk)
  set_target_properties(${name} PROPERTIES
    PREFIX ""
    C_VISIBILITY_PRESET hidden
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON)
endfunction()
