// SPDX-License-Identifier: GPL-2.0
/*
 * The one place where the edunic tracepoints (edunic_trace.h) are
 * instantiated. Everywhere else includes edunic_trace.h without
 * CREATE_TRACE_POINTS.
 */
#define CREATE_TRACE_POINTS
#include "edunic_trace.h"
