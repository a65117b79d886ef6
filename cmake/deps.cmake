# External libraries, each for its job: none yet for the core.
set(CAPKIT_DEP_LIBS "")
set(CAPKIT_DEP_INCLUDES "")
set(CAPKIT_CLI_LIBS "")
