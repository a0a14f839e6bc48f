package io.stacklens.exporter.postgres;

import io.stacklens.agent.data.LogRecord;
import io.stacklens.agent.data.ResourceLogs;
import io.stacklens.agent.data.ScopeLogs;

/** A record with its resource and scope: the unit rows, ids and dead letters are made from. */
record RecordRef(ResourceLogs resource, ScopeLogs scope, LogRecord record) {}
