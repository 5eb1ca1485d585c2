/** The command line, built on {@link dev.jresnet.ResNetModel}: parsing, printing, exit codes. Not an API. */
package dev.jresnet.cli;
