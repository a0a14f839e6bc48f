/** The {@code debug} exporter: prints what it receives to standard output, at three verbosities. */
package io.stacklens.exporter.debug;
