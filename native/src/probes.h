/*
 * USDT probes, provider "holdfast" (bpftrace: usdt:LIB:holdfast:NAME; dtrace: holdfast*:::NAME
 * with "__" read as "-"). A probe is one nop in the code and a note in the .so until a tracer
 * attaches; without <sys/sdt.h> (HF_HAVE_SDT unset) it compiles to nothing. Arguments are
 * integers only. scripts/README.md lists the probes with their arguments.
 */
#ifndef HF_PROBES_H
#define HF_PROBES_H

#ifdef HF_HAVE_SDT
#include <sys/sdt.h>
#define HF__PROBE1(name, a) DTRACE_PROBE1(holdfast, name, a)
#define HF__PROBE2(name, a, b) DTRACE_PROBE2(holdfast, name, a, b)
#define HF__PROBE3(name, a, b, c) DTRACE_PROBE3(holdfast, name, a, b, c)
#else
/* sizeof: the arguments count as used but are not evaluated. */
#define HF__PROBE1(name, a) ((void)sizeof(a))
#define HF__PROBE2(name, a, b) ((void)sizeof(a), (void)sizeof(b))
#define HF__PROBE3(name, a, b, c) ((void)sizeof(a), (void)sizeof(b), (void)sizeof(c))
#endif

#endif
