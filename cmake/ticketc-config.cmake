# find_package(ticketc): ticketc_add_model() from TicketC.cmake, and
# TICKETC_EXECUTABLE, the ticketc installed with this file.
include("${CMAKE_CURRENT_LIST_DIR}/TicketC.cmake")
set(ticketc_FOUND TRUE)
