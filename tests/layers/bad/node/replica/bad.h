// A replica header that reaches up into the workflow: the layer check must refuse it.
#include "node/workflow/workflow.h"
#include "protocol/status.h"
