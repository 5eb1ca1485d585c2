/** Benchmarks that time backends side by side on the same inputs (the bench command). Tooling, not an API. */
package dev.jresnet.bench;
