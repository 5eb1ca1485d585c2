/** Internals of the entry point (batching callers together). Not an API. */
package dev.jresnet.internal;
