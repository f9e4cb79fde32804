// SPDX-License-Identifier: GPL-2.0
/*
 * The one place where the edu tracepoints (edu_trace.h) are instantiated.
 * Everywhere else includes edu_trace.h without CREATE_TRACE_POINTS.
 */
#define CREATE_TRACE_POINTS
#include "edu_trace.h"
