#!/usr/sbin/dtrace -qs
/*
 * Purpose: which streams queue writes past the high-water mark, and how long until the native
 *          queue drains? write-queued fires (with the native queue's size) for every write the
 *          kernel did not take whole, write-drain when the queue empties; the high-water mark
 *          is Java's, compared here with $1 bytes. (macOS; the Linux twin is
 *          write-backpressure.bt.)
 * Usage:   sudo dtrace -qs scripts/dtrace/write-backpressure.d -p PID 65536
 *          sudo dtrace -qs scripts/dtrace/write-backpressure.d -c 'CMD ARGS' 65536
 * Requires: macOS dtrace, root, SIP allowing dtrace, and a libholdfast built with its USDT
 *          probes (provider holdfast; the macOS build of the native library is still to come).
 */
uint64_t above[uint64_t];

holdfast$target:::write-queued
{
  @max_queue[arg0 & 0xffffffff, arg0 >> 32, (int)arg1] = max(arg2);
}

holdfast$target:::write-queued
/arg2 >= $1 && above[arg0] == 0/
{
  above[arg0] = timestamp;
  @past_high = count();
}

holdfast$target:::write-drain
/above[arg0] != 0/
{
  @above_ms = quantize((timestamp - above[arg0]) / 1000000);
  above[arg0] = 0;
}

END
{
  printf("largest native queue per stream (slot, generation, fd): bytes\n");
  printa("  %d %d %d %@d\n", @max_queue);
  printa("times past high water: %@d\n", @past_high);
  printf("ms from past high water to drain:\n");
  printa(@above_ms);
}
