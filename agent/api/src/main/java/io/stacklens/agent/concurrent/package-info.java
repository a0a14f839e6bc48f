/**
 * Threads the agent starts: named, numbered daemon threads ({@link
 * io.stacklens.agent.concurrent.DaemonThreads}), so a thread dump names the component and role of
 * each thread and no agent thread keeps the JVM alive after the shutdown sequence.
 */
package io.stacklens.agent.concurrent;
