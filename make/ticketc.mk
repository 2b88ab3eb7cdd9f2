# ticketc.mk - ticketc in a Makefile: the model's C regenerated whenever the model
# file, its masks or ticketc change. Needs GNU make 4.3 or later (grouped targets).
#
#   include /usr/local/share/ticketc/ticketc.mk      (or <checkout>/make/ticketc.mk)
#   $(eval $(call ticketc_model,NAME,MODEL,MASKS,OPTIONS))
#
# writes $(TICKETC_OUT)/NAME.c and NAME.h (prefix NAME) from MODEL (.onnx or .tc),
# MASKS a directory of NAME.npy files, an .npz or an ONNX file (or empty), and
# ticketc OPTIONS; adds NAME.c to TICKETC_SOURCES. Compile it like any source:
#   app: main.o $(TICKETC_SOURCES:.c=.o)
#   main.o: $(TICKETC_OUT)/NAME.h     (and -I$(TICKETC_OUT))
TICKETC ?= ticketc
TICKETC_OUT ?= ticketc-out
TICKETC_SOURCES ?=
# the program itself is a dependency when it is given as a path
ticketc_dep = $(if $(findstring /,$(TICKETC)),$(TICKETC))
ticketc_mask_deps = $(if $(1),$(if $(wildcard $(1)/.),$(wildcard $(1)/*.npy) $(1),$(1)))

# (the rules do not become the default goal: .DEFAULT_GOAL is kept as it was)
define ticketc_model
ticketc_saved_goal := $$(.DEFAULT_GOAL)
$(TICKETC_OUT)/$(1).c $(TICKETC_OUT)/$(1).h &: $(2) $(call ticketc_mask_deps,$(3)) $(ticketc_dep)
	@mkdir -p $(TICKETC_OUT)
	$(TICKETC) $(2) -o $(TICKETC_OUT)/$(1).c --prefix $(1) $(if $(3),--masks $(3)) $(4)
TICKETC_SOURCES += $(TICKETC_OUT)/$(1).c
.DEFAULT_GOAL := $$(ticketc_saved_goal)
endef
