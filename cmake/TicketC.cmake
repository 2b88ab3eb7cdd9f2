# TicketC.cmake - ticketc in a CMake build: the model's C is regenerated whenever
# the model file, its masks or ticketc change, and built as a static library.
#
#   find_package(ticketc)            # installed: <prefix>/lib/cmake/ticketc
#   include(TicketC)                 # or from a checkout: CMAKE_MODULE_PATH += <checkout>/cmake
#
#   ticketc_add_model(<target> MODEL <m.onnx|m.tc> [MASKS <dir|file.npz|file.onnx>]
#                     [PREFIX <p>] [OPTIONS <ticketc options>...])
#
# makes <target> a static library of <p>.c (PREFIX default: <target>), whose
# include directory holds <p>.h: target_link_libraries(app PRIVATE <target>).
# Several models with different PREFIXes link into one program. The C is generated
# into ${CMAKE_CURRENT_BINARY_DIR}/ticketc/<target>/ by the host's ticketc
# (TICKETC_EXECUTABLE; with a cross toolchain ticketc still runs on the host).
include_guard(GLOBAL)

if(NOT TICKETC_EXECUTABLE)
  # installed beside this file (<prefix>/lib/cmake/ticketc -> <prefix>/bin), a
  # checkout's build/, else the PATH
  find_program(TICKETC_EXECUTABLE ticketc
    HINTS "${CMAKE_CURRENT_LIST_DIR}/../../../bin" "${CMAKE_CURRENT_LIST_DIR}/../build"
    NO_CMAKE_FIND_ROOT_PATH)
endif()
if(NOT TICKETC_EXECUTABLE)
  message(FATAL_ERROR "ticketc: the ticketc program was not found; set TICKETC_EXECUTABLE")
endif()

function(ticketc_add_model target)
  cmake_parse_arguments(TC "" "MODEL;MASKS;PREFIX" "OPTIONS" ${ARGN})
  if(TC_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "ticketc_add_model(${target}): unknown arguments: ${TC_UNPARSED_ARGUMENTS}")
  endif()
  if(NOT TC_MODEL)
    message(FATAL_ERROR "ticketc_add_model(${target}): MODEL is required")
  endif()
  if(NOT TC_PREFIX)
    set(TC_PREFIX "${target}")
  endif()
  get_filename_component(model "${TC_MODEL}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")
  set(dir "${CMAKE_CURRENT_BINARY_DIR}/ticketc/${target}")
  set(c "${dir}/${TC_PREFIX}.c")
  set(h "${dir}/${TC_PREFIX}.h")
  set(args "${model}" -o "${c}" --prefix "${TC_PREFIX}")
  set(deps "${model}" "${TICKETC_EXECUTABLE}")
  if(TC_MASKS)
    get_filename_component(masks "${TC_MASKS}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")
    list(APPEND args --masks "${masks}")
    if(IS_DIRECTORY "${masks}")
      # each NAME.npy; CONFIGURE_DEPENDS: a mask added or removed reconfigures
      file(GLOB npys CONFIGURE_DEPENDS "${masks}/*.npy")
      list(APPEND deps ${npys})
    else()
      list(APPEND deps "${masks}")
    endif()
  endif()
  if(model MATCHES "\\.tc$")
    # weights a .tc reads with npy("...") beside it
    get_filename_component(mdir "${model}" DIRECTORY)
    file(GLOB npys CONFIGURE_DEPENDS "${mdir}/*.npy")
    list(APPEND deps ${npys})
  endif()
  add_custom_command(OUTPUT "${c}" "${h}"
    COMMAND "${CMAKE_COMMAND}" -E make_directory "${dir}"
    COMMAND "${TICKETC_EXECUTABLE}" ${args} ${TC_OPTIONS}
    DEPENDS ${deps}
    COMMENT "ticketc: ${TC_MODEL} -> ${TC_PREFIX}.c"
    VERBATIM)
  add_library(${target} STATIC "${c}" "${h}")
  target_include_directories(${target} PUBLIC "${dir}")
  set_target_properties(${target} PROPERTIES C_STANDARD 99 C_EXTENSIONS OFF)
endfunction()
