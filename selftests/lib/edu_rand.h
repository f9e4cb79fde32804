/* SPDX-License-Identifier: GPL-2.0 */
/*
 * xorshift64* (Marsaglia; Vigna's multiplier): the pseudo-random numbers
 * of the selftests. A run is a function of its seed, so a failing seed
 * repeats the run; each thread keeps its own state.
 */
#ifndef EDU_RAND_H
#define EDU_RAND_H

#include <stdint.h>
#include <time.h>
#include <unistd.h>

/* Advance the state @s (never 0) and return the next 64 bits. */
static inline uint64_t edu_rnd_next(uint64_t *s)
{
	uint64_t x = *s;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*s = x;
	return x * 0x2545f4914f6cdd1dULL;
}

/* A number in [0, @n), 0 when @n is 0; from the high bits, the better. */
static inline uint32_t edu_rnd(uint64_t *s, uint32_t n)
{
	return n ? (uint32_t)(edu_rnd_next(s) >> 32) % n : 0;
}

/* A seed for a run that was given none: the time and the pid. */
static inline uint64_t edu_rnd_seed(void)
{
	return (uint64_t)time(NULL) * 2654435761u ^ getpid();
}

#endif /* EDU_RAND_H */
