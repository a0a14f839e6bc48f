/**
 * A real PostgreSQL server for tests, started from the machine's installation (initdb, pg_ctl) in a
 * temporary directory on a free port, and stopped (also mid-test, for outage tests) by the test.
 */
package io.stacklens.agent.testing.postgres;
