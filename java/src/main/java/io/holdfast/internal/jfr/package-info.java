/**
 * Holdfast's JFR events (category {@code Holdfast}): {@code io.holdfast.HandleOpened},
 * {@code io.holdfast.HandleClosed}, {@code io.holdfast.StaleHandleRejected} (with stack trace),
 * {@code io.holdfast.Connect}, {@code io.holdfast.Accept} and {@code io.holdfast.SlowCallback}.
 * Internal: not an API; the event names and fields are what tools see.
 */
package io.holdfast.internal.jfr;
